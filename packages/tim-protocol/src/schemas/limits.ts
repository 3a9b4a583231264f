/** Default limits of protocol v1. Every one is configurable on the server. */
export const DEFAULT_LIMITS = {
  /** Message content, in Unicode code points after trimming. */
  messageChars: 4000,
  /** HTTP request body, in bytes. */
  httpBodyBytes: 16 * 1024,
  /** One WebSocket frame, in bytes. */
  wsFrameBytes: 64 * 1024,
  /** Subscriptions one connection may hold. */
  subscriptionsPerConnection: 50,
  /** Open WebSocket connections per timite. */
  connectionsPerTimite: 20,
  /** Updates per page when `limit` is absent. */
  pageDefault: 100,
  /** Largest `limit` a timeline page accepts. */
  pageMax: 500,
  /** Time a new connection has to send its auth frame, in ms. */
  authTimeoutMs: 10_000,
  /** Server ping interval, in ms. */
  heartbeatMs: 30_000,
  /** Unsent bytes queued for one socket before it is closed as a slow consumer. */
  slowConsumerBytes: 1024 * 1024,
  /** Session lifetime, in ms (30 days). */
  sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
  /** Consecutive agent messages in a space before agents get `agent_turn_limit`. */
  maxAgentStreak: 10,
  /** Messages per timite, as `count/window`. */
  rateMessages: '20/10s',
  /** Login attempts per nick and per address. */
  rateLogin: '10/1m',
  /** Registrations per address. */
  rateRegister: '20/1h',
} as const;

export const NICK_MAX_CHARS = 32;
export const SPACE_ID_MAX_CHARS = 40;
export const SPACE_NAME_MAX_CHARS = 80;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 128;
export const CLIENT_MSG_ID_MAX_CHARS = 64;

/** The space that always exists. */
export const MAIN_SPACE_ID = 'main';

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_AUTH_TIMEOUT = 4408;
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/** Length in Unicode code points, the unit of the content limit (not UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
