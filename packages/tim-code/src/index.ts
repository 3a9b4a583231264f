export { createApp, type App, type AppStats, type CreateAppOptions } from './app';
export {
  loadConfig,
  parseRate,
  smallestBodyBytesFor,
  DEFAULT_ALLOWED_ORIGINS,
  DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS,
  type Config,
  type LoadConfigResult,
  type Rate,
} from './config';
export { createLogger, createSilentLogger, type Logger } from './logger';
export type { Bus, BusEvent, BusListener, Unsubscribe } from './bus/bus';
export { createLocalBus, type LocalBusOptions } from './bus/local-bus';
export { createRedisBus, type RedisBusOptions } from './bus/redis-bus';
export type { Storage } from './storage/storage';
export { createSqliteStorage, type SqliteStorageOptions } from './storage/sqlite/sqlite-storage';
export { createPostgresStorage, type PostgresStorageOptions } from './storage/postgres/postgres-storage';
export { createMemoryStorage } from './storage/memory/memory-storage';
export {
  createRateLimits,
  createMemoryRateLimit,
  type RateLimit,
  type RateLimitFactory,
  type RateLimits,
} from './rate-limit/rate-limits';
export { createRedisRateLimitFactory } from './rate-limit/redis-rate-limit';
export {
  createLocalPresenceDirectory,
  type HeldPresence,
  type PresenceChange,
  type PresenceDirectory,
} from './realtime/presence-directory';
export { createRedisPresenceDirectory, type RedisPresenceDirectoryOptions } from './realtime/redis-presence-directory';
export {
  createLocalAbilitiesDirectory,
  type AbilitiesChange,
  type AbilitiesDecision,
  type AbilitiesDirectory,
  type HeldDeclaration,
} from './realtime/abilities-directory';
export {
  createRedisAbilitiesDirectory,
  type RedisAbilitiesDirectoryOptions,
} from './realtime/redis-abilities-directory';
export { SERVER_ENV, SERVER_NODE_FLAGS } from './server-node-flags';
export { addAgent, listAgents, revokeAgent, type AgentListing } from './domain/agents';
export { seedHumans, type SeedHumansOptions, type SeededHuman } from './domain/seed-humans';
export { TimError } from './domain/tim-error';
