#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app';
import type { Bus } from './bus/bus';
import { createLocalBus } from './bus/local-bus';
import { loadConfig, type Config } from './config';
import { addAgent, listAgents, revokeAgent } from './domain/agents';
import { createInvite, inviteIdOf, parseDuration, revokeInvite } from './domain/invites';
import { isTimError } from './domain/tim-error';
import { createLogger, type Logger } from './logger';
import { createRateLimits, type RateLimits } from './rate-limit/rate-limits';
import type { AbilitiesDirectory } from './realtime/abilities-directory';
import type { PresenceDirectory } from './realtime/presence-directory';
import { redactedUrl } from './redacted-url';
import { createSqliteStorage } from './storage/sqlite/sqlite-storage';
import type { Storage } from './storage/storage';
import { errorMessage, errorStack } from './error-text';

const USAGE = `Usage:
  tim-code serve                 start the server (configured by TIM_* variables)
  tim-code agent add <nick>      create an agent; prints its token as the last line, once
  tim-code agent list            list agents
  tim-code agent revoke <nick>   revoke an agent's tokens
  tim-code invite create [--uses N] [--expires 7d]
                                 create an invite code (TIM_REGISTRATION=invite); prints it as the last line, once
  tim-code invite list           list invite codes: id, uses left, expiry
  tim-code invite revoke <id>    revoke an invite code by the id \`invite list\` shows`;

const EXIT_USAGE = 2;
/** The longest a signal-triggered shutdown may take before the process gives up. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function readConfig(): Config {
  const result = loadConfig(process.env);
  if (result.ok) {
    for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
    return result.config;
  }
  for (const error of result.errors) process.stderr.write(`Invalid configuration: ${error}\n`);
  process.exit(EXIT_USAGE);
}

/*
 * pg and ioredis are imported only when TIM_DATABASE_URL or TIM_REDIS_URL asks for them: a
 * process on the SQLite default would otherwise hold their code, ≈ 8 MB of its RSS at rest
 * (docs/performance-notes.md, "Memory at rest"). `import()` resolves paths as ES modules do,
 * hence the `.js`.
 */

/** PostgreSQL when TIM_DATABASE_URL is set, else SQLite in TIM_DATA_DIR. */
async function openStorage(config: Config, logger?: Logger): Promise<Storage> {
  if (config.databaseUrl !== undefined) {
    const { createPostgresStorage } = await import('./storage/postgres/postgres-storage.js');
    return createPostgresStorage({
      connectionString: config.databaseUrl,
      onError: (err) => logger?.warn('postgres pool', { error: errorMessage(err) }),
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return createSqliteStorage({ file: join(config.dataDir, 'tim.db') });
}

/** Redis when TIM_REDIS_URL is set (several processes, one database), else in-process. */
async function openBus(config: Config, logger: Logger): Promise<Bus> {
  const onListenerError = (err: unknown) => logger.error('bus listener failed', { error: String(err) });
  if (config.redisUrl === undefined) return createLocalBus({ onListenerError });
  const { createRedisBus } = await import('./bus/redis-bus.js');
  const bus = await createRedisBus({
    url: config.redisUrl,
    channelPrefix: `${config.redisPrefix}space:`,
    onListenerError,
    onError: (err) => logger.warn('redis bus', { error: errorMessage(err) }),
  });
  logger.info('bus: redis', { url: redactedUrl(config.redisUrl) });
  return bus;
}

interface SharedState {
  rateLimits: RateLimits | undefined;
  presenceDirectory: PresenceDirectory | undefined;
  abilitiesDirectory: AbilitiesDirectory | undefined;
  close: () => Promise<void>;
}

/**
 * With Redis, the processes count rate limits together and know who is online on each other,
 * and what each other's timites declared; without, each process on its own.
 */
async function openSharedState(config: Config, logger: Logger): Promise<SharedState> {
  if (config.redisUrl === undefined)
    return {
      rateLimits: undefined,
      presenceDirectory: undefined,
      abilitiesDirectory: undefined,
      close: async () => undefined,
    };
  const [
    { Redis },
    { createRedisRateLimitFactory },
    { createRedisPresenceDirectory },
    { createRedisAbilitiesDirectory },
  ] = await Promise.all([
    import('ioredis'),
    import('./rate-limit/redis-rate-limit.js'),
    import('./realtime/redis-presence-directory.js'),
    import('./realtime/redis-abilities-directory.js'),
  ]);
  const client = new Redis(config.redisUrl, { lazyConnect: true });
  client.on('error', (err: Error) => logger.warn('redis', { error: err.message }));
  await client.connect();
  const presenceDirectory = await createRedisPresenceDirectory({
    client,
    keyPrefix: config.redisPrefix,
    livenessMs: config.presenceLivenessMs,
    onError: (err) => logger.warn('presence liveness', { error: errorMessage(err) }),
  });
  const abilitiesDirectory = await createRedisAbilitiesDirectory({
    client,
    keyPrefix: config.redisPrefix,
    livenessMs: config.presenceLivenessMs,
    onError: (err) => logger.warn('abilities liveness', { error: errorMessage(err) }),
  });
  return {
    rateLimits: createRateLimits(
      config,
      createRedisRateLimitFactory(client, { keyPrefix: `${config.redisPrefix}rate:` }),
    ),
    presenceDirectory,
    abilitiesDirectory,
    close: async () => {
      await presenceDirectory.close();
      await abilitiesDirectory.close();
      await client.quit();
    },
  };
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const storage = await openStorage(config, logger);
  const bus = await openBus(config, logger);
  const shared = await openSharedState(config, logger);
  const app = await createApp({
    config,
    storage,
    bus,
    logger,
    rateLimits: shared.rateLimits,
    presenceDirectory: shared.presenceDirectory,
    abilitiesDirectory: shared.abilitiesDirectory,
  });
  logger.info(`listening on ${app.url}`);
  process.stdout.write(`listening on ${app.url}\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    (async () => {
      await app.close();
      await shared.close();
      await bus.close();
      await storage.close();
    })().then(
      () => {
        logger.info('stopped');
        logger.on('finish', () => process.exit(0));
        logger.end();
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: errorStack(err) });
        process.exit(1);
      },
    );
  };
  // A rejection nobody handled is a bug, but one request's bug must not stop the server.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: errorStack(reason) });
  });
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function agent(config: Config, args: string[]): Promise<number> {
  const [action, nick] = args;
  const storage = await openStorage(config);
  try {
    if (action === 'add' && nick !== undefined) {
      const { timite, token, isReinstated } = await addAgent(storage, nick, new Date());
      const done = isReinstated ? 'was revoked and is reinstated with a new token' : 'created';
      process.stdout.write(
        `Agent "${timite.nick}" (id ${timite.id}) ${done}. Its token, shown only this once:\n${token}\n`,
      );
      return 0;
    }
    if (action === 'list') {
      const agents = await listAgents(storage);
      if (agents.length === 0) process.stdout.write('No agents.\n');
      for (const { timite, revoked } of agents)
        process.stdout.write(`${timite.id}\t${timite.nick}${revoked ? '\trevoked' : ''}\n`);
      return 0;
    }
    if (action === 'revoke' && nick !== undefined) {
      await revokeAgent(storage, nick, new Date());
      process.stdout.write(`Agent "${nick}" revoked.\n`);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  } catch (err) {
    if (!isTimError(err)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}

/** `--uses N --expires 7d` of `invite create`; undefined when an option is unknown or bad. */
function inviteOptions(args: string[]): { uses?: number; expiresInMs?: number } | undefined {
  const options: { uses?: number; expiresInMs?: number } = {};
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (value === undefined) return undefined;
    if (name === '--uses' && /^\d+$/.test(value) && Number(value) >= 1) options.uses = Number(value);
    else if (name === '--expires' && parseDuration(value) !== undefined) options.expiresInMs = parseDuration(value);
    else return undefined;
  }
  return options;
}

function describeExpiry(expiresAt: Date | null, now: Date): string {
  if (expiresAt === null) return 'never expires';
  return `${expiresAt <= now ? 'expired' : 'expires'} ${expiresAt.toISOString()}`;
}

async function invite(config: Config, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const options = action === 'create' ? inviteOptions(rest) : undefined;
  const isUsage =
    !(action === 'create' && options !== undefined) &&
    !(action === 'list' && rest.length === 0) &&
    !(action === 'revoke' && rest.length === 1);
  if (isUsage) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  const storage = await openStorage(config);
  try {
    const now = new Date();
    if (action === 'create') {
      const made = await createInvite(storage, options ?? {}, now);
      const expiry = made.expiresAt === null ? 'never expires' : `expires ${made.expiresAt}`;
      const policy =
        config.registration === 'invite' ? '' : ` (TIM_REGISTRATION is "${config.registration}": set it to "invite")`;
      process.stdout.write(
        `Invite code for ${made.uses} account${made.uses === 1 ? '' : 's'}, ${expiry}${policy}. Shown only this once:\n${made.code}\n`,
      );
      return 0;
    }
    if (action === 'list') {
      const codes = await storage.listInviteCodes();
      if (codes.length === 0) process.stdout.write('No invite codes.\n');
      for (const code of codes)
        process.stdout.write(
          `${inviteIdOf(code)}\t${code.usesLeft} uses left\t${describeExpiry(code.expiresAt, now)}\n`,
        );
      return 0;
    }
    const id = await revokeInvite(storage, rest[0] ?? '');
    process.stdout.write(`Invite ${id} revoked.\n`);
    return 0;
  } catch (err) {
    if (!isTimError(err)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve') {
    await serve(readConfig());
    return;
  }
  if (command === 'agent') {
    process.exitCode = await agent(readConfig(), rest);
    return;
  }
  if (command === 'invite') {
    process.exitCode = await invite(readConfig(), rest);
    return;
  }
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = EXIT_USAGE;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`tim-code failed: ${errorStack(err)}\n`);
  process.exit(1);
});
