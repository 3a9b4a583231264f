import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ABILITY_TIMEOUT_DEFAULT_MS, ABILITY_TIMEOUT_MAX_MS, DEFAULT_LIMITS } from '@tim/protocol';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/** A rate limit as `points` per `durationSeconds`, parsed from `20/10s`. */
export interface Rate {
  points: number;
  durationSeconds: number;
}

export type LogFormat = 'json' | 'pretty';
export type TrustProxy = boolean | number | string[];
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Who may register (issue 19): anyone, only with an invite code, or nobody. */
export type RegistrationPolicy = 'open' | 'invite' | 'closed';

export interface Config {
  /** TIM_REGISTRATION: who may create an account with POST /register. @default 'open' */
  registration: RegistrationPolicy;
  /** TIM_ADMINS: nicks (lower case) that may create invite codes over HTTP (POST /invites). @default none */
  admins: string[];
  /** Interface to listen on. @default '127.0.0.1' */
  host: string;
  /** Port; 0 picks a free one. @default 8787 */
  port: number;
  /** Where the SQLite database lives. @default './.tim' */
  dataDir: string;
  /** PostgreSQL instead of SQLite, for processes on several machines; absent: SQLite in dataDir. */
  databaseUrl: string | undefined;
  /**
   * TIM_PUBLIC_URL's origin: where the web client is served from (behind a proxy, its public
   * URL). Absent: http://localhost:PORT, http://127.0.0.1:PORT and TIM_HOST's address, with the
   * listening port. See domain/origin-policy.ts.
   */
  publicOrigin: string | undefined;
  /** Further browser origins allowed to call the API and open WebSockets. */
  allowedOrigins: string[];
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Server ping interval in ms. @default 30000 */
  heartbeatMs: number;
  rateMessages: Rate;
  rateLogin: Rate;
  rateRegister: Rate;
  /** Activity frames (typing, thinking, idle) per timite; each is fanned out to a whole space. */
  rateActivity: Rate;
  /** Appends to streaming messages per timite. @default 600/10s */
  rateStreamAppends: Rate;
  /** Spaces one timite may create per window (POST /spaces); past it 429. @default 60/1h */
  rateSpaces: Rate;
  /** Spaces one timite may create in all; past it POST /spaces answers 403 `forbidden`. @default 100 */
  maxSpacesPerTimite: number;
  /** Edits, deletes and reactions per timite, together; past it 429. @default 60/10s */
  rateChanges: Rate;
  /** Searches per timite (GET /search); past it 429. @default 30/1m */
  rateSearch: Rate;
  /** Ability calls per caller (POST /spaces/:id/calls); past it 429. @default 30/1m */
  rateCalls: Rate;
  /** A call's timeout when it asks for none, in ms. @default 60000 */
  abilityTimeoutMs: number;
  /** The longest timeout a call may ask for, in ms; longer asks are cut to it. @default 300000 */
  abilityTimeoutMaxMs: number;
  /** Distinct emoji one message may carry; a new one past it answers 409. @default 20 */
  maxReactionsPerMessage: number;
  /** Reactions one timite may put on one message; past it 409. @default 10 */
  maxReactionsPerTimite: number;
  /** A streaming message's appends reach subscribers at most once per this many ms. @default 50 */
  streamFlushMs: number;
  /** A streaming message with no append for this many ms ends as timed out. @default 30000 */
  streamIdleMs: number;
  /** Streaming messages one timite may have open at once on a process. @default 3 */
  streamsPerTimite: number;
  /** Unsent bytes per socket before it is closed with 4008. @default 1048576 */
  slowConsumerBytes: number;
  /** Consecutive agent messages per space before agent_turn_limit. @default 10 */
  maxAgentStreak: number;
  /** Session lifetime in ms. @default 30 days */
  sessionTtlMs: number;
  /**
   * Presence events reach a space only while it has at most this many subscriptions here;
   * past it, N joins would cost N² frames, and clients read GET /presence instead. @default 500
   */
  presenceFanoutMaxSubscriptions: number;
  /**
   * With Redis: a process that has not renewed its presence liveness for this long counts as
   * crashed, in ms. @default 30000
   */
  presenceLivenessMs: number;
  /**
   * How often a process looks for crashed ones, to send offline events for the timites they
   * held, in ms; at most presenceLivenessMs. @default 10000
   */
  presenceSweepMs: number;
  /** A built web client served at / (SPA fallback to index.html); absent: API only. */
  webDir: string | undefined;
  /**
   * Redis for the bus between tim-code processes that share one database; absent: the
   * in-process bus (one process).
   */
  redisUrl: string | undefined;
  /** Start of every Redis key and channel name, so that deployments can share a Redis. @default 'tim:' */
  redisPrefix: string;
  /**
   * Which peers may tell the client's address in X-Forwarded-For (Express's `trust proxy`):
   * false (the default) uses the socket's peer, a number trusts that many hops, a list trusts
   * those addresses, subnets or the names loopback, linklocal, uniquelocal.
   */
  trustProxy: TrustProxy;
  /** Time a new socket has to authenticate, in ms. @default 10000 */
  authTimeoutMs: number;
  /** Message content in Unicode code points after trimming; more answers 400. @default 4000 */
  maxContentChars: number;
  /** HTTP request body in bytes; larger answers 413. At least {@link smallestBodyBytesFor} the content limit. @default 16384 */
  maxBodyBytes: number;
  /** Largest WebSocket frame in bytes; larger closes with 1009. @default 65536 */
  maxFrameBytes: number;
  /** @default 50 */
  maxSubscriptionsPerConnection: number;
  /** @default 20 */
  maxConnectionsPerTimite: number;
  /**
   * Sockets from one client address (as `trustProxy` reads it) that have not authenticated
   * yet; past it the upgrade is refused with 429. @default 100
   */
  maxUnauthenticatedPerAddress: number;
  /** How often expired sessions are deleted, in ms. @default 3600000 */
  sessionCleanupMs: number;
  /**
   * How often the revocation feed is read, in ms: a logout or agent revoke made through another
   * process (another server, the CLI) closes this process's sockets and drops its cached
   * sessions within this time. @default 1000
   */
  revocationPollMs: number;
  /** How long shutdown waits for sockets to finish closing, in ms. @default 5000 */
  shutdownGraceMs: number;
}

/*
 * Every default of a setting lives here (or in the protocol's DEFAULT_LIMITS): the modules that
 * use a value receive it from the Config, so config.ts imports nothing from the rest of tim-code.
 */

export const DEFAULT_REVOCATION_POLL_MS = 1000;

/**
 * Presence events reach a space's subscribers only while it has at most this many on a process.
 * Every presence change costs one frame per subscriber, so N timites joining a space would cost
 * N² frames; above the bound clients of the space read GET /presence instead.
 */
export const DEFAULT_PRESENCE_FANOUT_MAX_SUBSCRIPTIONS = 500;

/** With Redis: a process that has not renewed its presence liveness key for this long counts as crashed. */
export const DEFAULT_PRESENCE_LIVENESS_MS = 30_000;

/** How often a process looks for crashed ones whose timites must go offline. */
export const DEFAULT_PRESENCE_SWEEP_MS = 10_000;

/** Far above what a client that throttles its typing notices sends; an extension of protocol v1. */
export const DEFAULT_RATE_ACTIVITY = '60/10s';

/** Streaming messages (an extension of v1): an LLM's token rate, batched by a client or not, fits well within it. */
export const DEFAULT_RATE_STREAM_APPENDS = '600/10s';
/**
 * Spaces a timite may create per window: a few a day is the norm, a script creating thousands is
 * not. Loose enough for a setup script or a test suite that opens a space per case.
 */
export const DEFAULT_RATE_SPACES = '60/1h';
/** Spaces a timite may create in all: each one costs every client listing spaces a row. */
export const DEFAULT_MAX_SPACES_PER_TIMITE = 1000;
/**
 * Edits, deletes and reactions per timite (an extension of v1), counted together: far above a
 * person fixing typos and clicking reactions, far below a script rewriting history.
 */
export const DEFAULT_RATE_CHANGES = '60/10s';
/** Searches per timite: each one reads an index over every space. */
export const DEFAULT_RATE_SEARCH = '30/1m';
/**
 * Ability calls per caller: each is a timeline update everyone in the space sees, and work for
 * its target; an agent's tool rounds stay well within it.
 */
export const DEFAULT_RATE_CALLS = '30/1m';
/** Distinct emoji on one message: each is a row in every client's view of it. */
export const DEFAULT_MAX_REACTIONS_PER_MESSAGE = 20;
/** Reactions of one timite on one message. */
export const DEFAULT_MAX_REACTIONS_PER_TIMITE = 10;
/** About 20 frames a second per open stream per subscriber, whatever the author's token rate. */
export const DEFAULT_STREAM_FLUSH_MS = 50;
export const DEFAULT_STREAM_IDLE_MS = 30_000;
export const DEFAULT_STREAMS_PER_TIMITE = 3;

/** Unauthenticated sockets per client address: far above one client's handshakes, far below a file-descriptor flood. */
export const DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS = 100;

/** UTF-8 takes at most 4 bytes per code point (JSON.stringify does not escape non-ASCII). */
const BODY_BYTES_PER_CONTENT_CHAR = 4;
/** The rest of a send body: `{"content":"","clientMsgId":"…","replyTo":…}` with a 64-character clientMsgId, and room to spare. */
const BODY_BYTES_BESIDES_CONTENT = 256;

/** The smallest body limit that holds every message of `maxContentChars` code points. */
export function smallestBodyBytesFor(maxContentChars: number): number {
  return maxContentChars * BODY_BYTES_PER_CONTENT_CHAR + BODY_BYTES_BESIDES_CONTENT;
}

const MIB = 1024 * 1024;

export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

const RATE = /^(\d+)\/(\d*)(s|m|h)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** `20/10s` → { points: 20, durationSeconds: 10 }; `10/m` means `10/1m`. */
export function parseRate(text: string): Rate | undefined {
  const match = RATE.exec(text.trim());
  if (match === null) return undefined;
  const points = Number(match[1]);
  const count = match[2] === '' ? 1 : Number(match[2]);
  const durationSeconds = count * UNIT_SECONDS[match[3] as keyof typeof UNIT_SECONDS];
  if (points < 1 || durationSeconds < 1) return undefined;
  return { points, durationSeconds };
}

const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = parseRate(text);
      if (parsed === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a rate like "20/10s" (count/window in s, m or h), got "${text}"`,
        });
        return z.NEVER;
      }
      return parsed;
    });

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(fallback))
    .transform((text, ctx) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${text}"` });
        return z.NEVER;
      }
      return value;
    });

/** Ten minutes: longer presence timings only delay offline events. */
const MAX_PRESENCE_MS = 600_000;

const origin = z.string().transform((text, ctx) => {
  try {
    const url = new URL(text);
    if (url.origin !== 'null' && (url.protocol === 'http:' || url.protocol === 'https:')) return url.origin;
  } catch {
    // Reported below as one issue, like any other bad origin.
  }
  ctx.addIssue({ code: 'custom', message: `expected origins like "https://chat.example.com", got "${text}"` });
  return z.NEVER;
});

const TRUSTED_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustedPeer(item: string): boolean {
  if (TRUSTED_NAMES.has(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/** `false`, `true`, a hop count, or a comma-separated list of addresses, subnets and names. */
const trustProxy = z
  .string()
  .default('false')
  .transform((text, ctx): TrustProxy => {
    const trimmed = text.trim();
    if (trimmed === 'false') return false;
    if (trimmed === 'true') return true;
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const items = trimmed
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length > 0 && items.every(isTrustedPeer)) return items;
    ctx.addIssue({
      code: 'custom',
      message: `expected false, true, a hop count, or addresses/subnets/loopback/linklocal/uniquelocal, got "${text}"`,
    });
    return z.NEVER;
  });

function envSchema(nodeEnv: string | undefined) {
  return z.object({
    TIM_REGISTRATION: z.enum(['open', 'invite', 'closed']).default('open'),
    TIM_ADMINS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim().toLowerCase())
          .filter((item) => item !== ''),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9_.-]{1,32}$/, 'expected comma-separated nicks'))),
    TIM_HOST: z.string().min(1).default('127.0.0.1'),
    TIM_PORT: integer(8787, 0, 65535),
    TIM_DATA_DIR: z.string().min(1).default('./.tim'),
    TIM_ALLOWED_ORIGINS: z
      .string()
      .default(DEFAULT_ALLOWED_ORIGINS.join(','))
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      )
      .pipe(z.array(origin)),
    TIM_PUBLIC_URL: origin.optional(),
    TIM_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    TIM_LOG_FORMAT: z.enum(['json', 'pretty']).default(nodeEnv === 'production' ? 'json' : 'pretty'),
    TIM_HEARTBEAT_MS: integer(DEFAULT_LIMITS.heartbeatMs, 10),
    TIM_RATE_MESSAGES: rate(DEFAULT_LIMITS.rateMessages),
    TIM_RATE_LOGIN: rate(DEFAULT_LIMITS.rateLogin),
    TIM_RATE_REGISTER: rate(DEFAULT_LIMITS.rateRegister),
    TIM_RATE_ACTIVITY: rate(DEFAULT_RATE_ACTIVITY),
    TIM_RATE_STREAM_APPENDS: rate(DEFAULT_RATE_STREAM_APPENDS),
    TIM_RATE_SPACES: rate(DEFAULT_RATE_SPACES),
    TIM_MAX_SPACES_PER_TIMITE: integer(DEFAULT_MAX_SPACES_PER_TIMITE, 0, 1_000_000),
    TIM_RATE_CHANGES: rate(DEFAULT_RATE_CHANGES),
    TIM_RATE_SEARCH: rate(DEFAULT_RATE_SEARCH),
    TIM_RATE_CALLS: rate(DEFAULT_RATE_CALLS),
    TIM_ABILITY_TIMEOUT_MS: integer(ABILITY_TIMEOUT_DEFAULT_MS, 1000, ABILITY_TIMEOUT_MAX_MS),
    TIM_ABILITY_TIMEOUT_MAX_MS: integer(ABILITY_TIMEOUT_MAX_MS, 1000, ABILITY_TIMEOUT_MAX_MS),
    TIM_MAX_REACTIONS_PER_MESSAGE: integer(DEFAULT_MAX_REACTIONS_PER_MESSAGE, 1, 1000),
    TIM_MAX_REACTIONS_PER_TIMITE: integer(DEFAULT_MAX_REACTIONS_PER_TIMITE, 1, 1000),
    TIM_STREAM_FLUSH_MS: integer(DEFAULT_STREAM_FLUSH_MS, 10, 10_000),
    TIM_STREAM_IDLE_MS: integer(DEFAULT_STREAM_IDLE_MS, 100, 3_600_000),
    TIM_STREAMS_PER_TIMITE: integer(DEFAULT_STREAMS_PER_TIMITE, 1, 1000),
    TIM_SLOW_CONSUMER_BYTES: integer(DEFAULT_LIMITS.slowConsumerBytes, 1024),
    TIM_MAX_AGENT_STREAK: integer(DEFAULT_LIMITS.maxAgentStreak, 1),
    TIM_SESSION_TTL_MS: integer(DEFAULT_LIMITS.sessionTtlMs, 1000),
    TIM_REVOCATION_POLL_MS: integer(DEFAULT_REVOCATION_POLL_MS, 10, 60_000),
    TIM_PRESENCE_MAX_SUBSCRIBERS: integer(DEFAULT_PRESENCE_FANOUT_MAX_SUBSCRIPTIONS, 0),
    TIM_PRESENCE_LIVENESS_MS: integer(DEFAULT_PRESENCE_LIVENESS_MS, 1000, MAX_PRESENCE_MS),
    TIM_PRESENCE_SWEEP_MS: integer(DEFAULT_PRESENCE_SWEEP_MS, 100, MAX_PRESENCE_MS),
    TIM_MAX_CONTENT_CHARS: integer(DEFAULT_LIMITS.messageChars, 1, 100_000),
    TIM_MAX_BODY_BYTES: integer(DEFAULT_LIMITS.httpBodyBytes, 1024, 16 * MIB),
    TIM_MAX_FRAME_BYTES: integer(DEFAULT_LIMITS.wsFrameBytes, 1024, 16 * MIB),
    TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION: integer(DEFAULT_LIMITS.subscriptionsPerConnection, 1, 10_000),
    TIM_MAX_CONNECTIONS_PER_TIMITE: integer(DEFAULT_LIMITS.connectionsPerTimite, 1, 10_000),
    TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: integer(DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS, 1, 100_000),
    TIM_AUTH_TIMEOUT_MS: integer(DEFAULT_LIMITS.authTimeoutMs, 100, 600_000),
    TIM_TRUST_PROXY: trustProxy,
    TIM_DATABASE_URL: z
      .string()
      .optional()
      .refine((url) => url === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(url), {
        message: 'expected a postgres:// or postgresql:// URL',
      }),
    TIM_REDIS_URL: z
      .string()
      .optional()
      .refine((url) => url === undefined || /^rediss?:\/\/[^\s]+$/.test(url), {
        message: 'expected a redis:// or rediss:// URL',
      }),
    TIM_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1–64 of A-Z a-z 0-9 : _ . -')
      .default('tim:'),
    TIM_WEB_DIR: z
      .string()
      .optional()
      .refine((dir) => dir === undefined || (existsSync(dir) && statSync(dir).isDirectory()), {
        message: 'expected an existing directory (a built web client)',
      }),
  });
}

export type LoadConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; errors: string[] };

/** TIM_* names that other Tim programs read (tim-agent, the web's dev proxy, tests, the bench). */
const OTHER_PROGRAMS_VARIABLE = /^TIM_(URL$|AGENT_|TEST_|BENCH_)/;

/** Edits within which an unknown name is taken for a misspelling of a known one. */
const MISSPELLING_DISTANCE = 3;

/**
 * One line per TIM_* variable that tim-code does not read: a misspelled limit would otherwise
 * fall back to its default without a word.
 */
function unknownVariableWarnings(present: Record<string, unknown>, known: string[]): string[] {
  return Object.keys(present)
    .filter((name) => !known.includes(name) && !OTHER_PROGRAMS_VARIABLE.test(name))
    .sort()
    .map((name) => {
      const nearest = closest(name, known);
      const hint = distance(name, nearest) <= MISSPELLING_DISTANCE ? `; did you mean ${nearest}?` : '';
      return `${name} is not a tim-code setting and is ignored${hint}`;
    });
}

/** Reads TIM_* variables; every bad value gets its own line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): LoadConfigResult {
  // An empty variable counts as unset, as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => name.startsWith('TIM_') && value !== ''),
  );
  const schema = envSchema(env.NODE_ENV);
  const result = schema.safeParse(present);
  if (!result.success) {
    return {
      ok: false,
      errors: result.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`),
    };
  }
  const env_ = result.data;
  const relationErrors: string[] = [];
  if (env_.TIM_PRESENCE_SWEEP_MS > env_.TIM_PRESENCE_LIVENESS_MS) {
    relationErrors.push(
      `TIM_PRESENCE_SWEEP_MS: expected at most TIM_PRESENCE_LIVENESS_MS (${env_.TIM_PRESENCE_LIVENESS_MS}), got "${env_.TIM_PRESENCE_SWEEP_MS}"`,
    );
  }
  if (env_.TIM_ABILITY_TIMEOUT_MS > env_.TIM_ABILITY_TIMEOUT_MAX_MS) {
    relationErrors.push(
      `TIM_ABILITY_TIMEOUT_MS: expected at most TIM_ABILITY_TIMEOUT_MAX_MS (${env_.TIM_ABILITY_TIMEOUT_MAX_MS}), got "${env_.TIM_ABILITY_TIMEOUT_MS}"`,
    );
  }
  const smallestBodyBytes = smallestBodyBytesFor(env_.TIM_MAX_CONTENT_CHARS);
  if (env_.TIM_MAX_BODY_BYTES < smallestBodyBytes) {
    relationErrors.push(
      `TIM_MAX_BODY_BYTES: ${env_.TIM_MAX_BODY_BYTES} bytes cannot hold a message of TIM_MAX_CONTENT_CHARS=${env_.TIM_MAX_CONTENT_CHARS} ` +
        `characters (up to ${BODY_BYTES_PER_CONTENT_CHAR} bytes each in UTF-8, plus ${BODY_BYTES_BESIDES_CONTENT} for the rest of the body): ` +
        `set it to at least ${smallestBodyBytes}, or lower TIM_MAX_CONTENT_CHARS`,
    );
  }
  if (relationErrors.length > 0) return { ok: false, errors: relationErrors };
  return {
    ok: true,
    warnings: unknownVariableWarnings(present, Object.keys(schema.shape)),
    config: {
      registration: env_.TIM_REGISTRATION,
      admins: env_.TIM_ADMINS,
      host: env_.TIM_HOST,
      port: env_.TIM_PORT,
      dataDir: resolve(env_.TIM_DATA_DIR),
      databaseUrl: env_.TIM_DATABASE_URL,
      publicOrigin: env_.TIM_PUBLIC_URL,
      allowedOrigins: env_.TIM_ALLOWED_ORIGINS,
      logLevel: env_.TIM_LOG_LEVEL,
      logFormat: env_.TIM_LOG_FORMAT,
      heartbeatMs: env_.TIM_HEARTBEAT_MS,
      rateMessages: env_.TIM_RATE_MESSAGES,
      rateLogin: env_.TIM_RATE_LOGIN,
      rateRegister: env_.TIM_RATE_REGISTER,
      rateActivity: env_.TIM_RATE_ACTIVITY,
      rateStreamAppends: env_.TIM_RATE_STREAM_APPENDS,
      rateSpaces: env_.TIM_RATE_SPACES,
      maxSpacesPerTimite: env_.TIM_MAX_SPACES_PER_TIMITE,
      rateChanges: env_.TIM_RATE_CHANGES,
      rateSearch: env_.TIM_RATE_SEARCH,
      rateCalls: env_.TIM_RATE_CALLS,
      abilityTimeoutMs: env_.TIM_ABILITY_TIMEOUT_MS,
      abilityTimeoutMaxMs: env_.TIM_ABILITY_TIMEOUT_MAX_MS,
      maxReactionsPerMessage: env_.TIM_MAX_REACTIONS_PER_MESSAGE,
      maxReactionsPerTimite: env_.TIM_MAX_REACTIONS_PER_TIMITE,
      streamFlushMs: env_.TIM_STREAM_FLUSH_MS,
      streamIdleMs: env_.TIM_STREAM_IDLE_MS,
      streamsPerTimite: env_.TIM_STREAMS_PER_TIMITE,
      slowConsumerBytes: env_.TIM_SLOW_CONSUMER_BYTES,
      maxAgentStreak: env_.TIM_MAX_AGENT_STREAK,
      sessionTtlMs: env_.TIM_SESSION_TTL_MS,
      presenceFanoutMaxSubscriptions: env_.TIM_PRESENCE_MAX_SUBSCRIBERS,
      presenceLivenessMs: env_.TIM_PRESENCE_LIVENESS_MS,
      presenceSweepMs: env_.TIM_PRESENCE_SWEEP_MS,
      webDir: env_.TIM_WEB_DIR === undefined ? undefined : resolve(env_.TIM_WEB_DIR),
      redisUrl: env_.TIM_REDIS_URL,
      redisPrefix: env_.TIM_REDIS_PREFIX,
      trustProxy: env_.TIM_TRUST_PROXY,
      authTimeoutMs: env_.TIM_AUTH_TIMEOUT_MS,
      maxContentChars: env_.TIM_MAX_CONTENT_CHARS,
      maxBodyBytes: env_.TIM_MAX_BODY_BYTES,
      maxFrameBytes: env_.TIM_MAX_FRAME_BYTES,
      maxSubscriptionsPerConnection: env_.TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerTimite: env_.TIM_MAX_CONNECTIONS_PER_TIMITE,
      maxUnauthenticatedPerAddress: env_.TIM_MAX_UNAUTHENTICATED_PER_ADDRESS,
      sessionCleanupMs: 60 * 60 * 1000,
      revocationPollMs: env_.TIM_REVOCATION_POLL_MS,
      shutdownGraceMs: 5000,
    },
  };
}
