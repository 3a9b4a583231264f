import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE_GOING_AWAY, CLOSE_UNAUTHENTICATED } from '@tim/protocol';
import type { Bus } from './bus/bus';
import type { Config } from './config';
import { createAccounts } from './domain/accounts';
import { createSpaceAccess } from './domain/space-access';
import type { AbilityCallDeps } from './domain/ability-calls';
import { createAbilitySchemas } from './domain/ability-schemas';
import { startAbilityTimeouts } from './domain/ability-timeouts';
import { createOriginPolicy } from './domain/origin-policy';
import { createDecoyHash } from './domain/passwords';
import { sendMessage } from './domain/send-message';
import { createSessions } from './domain/sessions';
import { createStreams } from './domain/streams';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { AbilitiesDirectory } from './realtime/abilities-directory';
import { createAbilitiesRegistry } from './realtime/abilities-registry';
import { createHub } from './realtime/hub';
import { createRateLimits, type RateLimits } from './rate-limit/rate-limits';
import { createPresence } from './realtime/presence';
import type { PresenceDirectory } from './realtime/presence-directory';
import { createUnreadFeed } from './realtime/unread-feed';
import type { Storage } from './storage/storage';
import { StoreUnavailableError } from './storage/store-unavailable';
import { createHttpHandler } from './transport/http/http-app';
import type { Connection } from './transport/ws/connection';
import { createConnectionRegistry } from './transport/ws/connection-registry';
import { attachWebSockets } from './transport/ws/ws-server';
import { errorStack } from './error-text';

export interface CreateAppOptions {
  config: Config;
  /** Owned by the caller: `close()` does not close it. */
  storage: Storage;
  /** Owned by the caller: `close()` does not close it. */
  bus: Bus;
  logger: Logger;
  /** The clock for sessions and timestamps. @default () => new Date() */
  now?: () => Date;
  /** Where rate-limit budgets are counted. @default in this process's memory, from config */
  rateLimits?: RateLimits;
  /** Who is online on other processes; absent: this process only. Owned by the caller. */
  presenceDirectory?: PresenceDirectory;
  /** The abilities declared on other processes; absent: this process only. Owned by the caller. */
  abilitiesDirectory?: AbilitiesDirectory;
}

/** Read-only sizes of the app's registries; all zero when nobody is connected. */
export interface AppStats {
  connections: number;
  subscriptions: number;
  presenceEntries: number;
  hubSpaces: number;
  hubSubscriptions: number;
  /** Frames received over WebSockets and not yet handled, over all connections. */
  pendingFrames: number;
  /** Sockets between their upgrade and a successful auth frame. */
  unauthenticatedSockets: number;
  /** Connections that asked for the unread feed. */
  unreadWatchers: number;
  /** Declarations (connection, space) of abilities held here. */
  abilityDeclarations: number;
}

export interface App {
  server: Server;
  /** `http://HOST:PORT` with the real port. */
  url: string;
  stats(): AppStats;
  /** Stops accepting, closes sockets with 1001, waits for them (bounded), closes the HTTP server. */
  close(): Promise<void>;
}

/**
 * How long a process trusts that a public space is still public and not archived (issue 19):
 * a post then costs no extra round trip; another process's change takes effect within it.
 */
const PUBLIC_SPACE_CACHE_MS = 1000;

/** At most this much longer than the streams' idle timeout a stream may go unheard before it counts as lost. */
const STREAM_LOST_GRACE_MS = 15_000;

/** How often every process looks for calls past their deadline (the accepting process sweeps at the deadline too). */
const ABILITY_TIMEOUT_SWEEP_MS = 1000;

/** Builds and starts one server. No module-level state: any number can run in one process. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config, bus, logger, storage } = options;
  const now = options.now ?? (() => new Date());

  const registry = createConnectionRegistry<Connection>();
  const onBackgroundError = (what: string) => (err: unknown, spaceId?: string) => {
    // An outage is reported where it is seen (readyz, the pool); no stack per failed poll.
    if (err instanceof StoreUnavailableError) logger.warn(what, { spaceId, error: err.message });
    else logger.error(what, { spaceId, error: errorStack(err) });
  };
  const presence = createPresence({
    publish: (spaceId, event) => {
      bus.publish(spaceId, { kind: 'ephemeral', event }).catch(onBackgroundError('presence publish failed'));
    },
    directory: options.presenceDirectory,
    onError: onBackgroundError('presence directory failed'),
    maxAnnouncedMembers: config.presenceFanoutMaxSubscriptions,
  });
  const abilities = createAbilitiesRegistry({
    publish: (spaceId, event) => {
      bus.publish(spaceId, { kind: 'ephemeral', event }).catch(onBackgroundError('abilities publish failed'));
    },
    directory: options.abilitiesDirectory,
    onError: onBackgroundError('abilities directory failed'),
  });
  const abilitySchemas = createAbilitySchemas();
  const metrics = createMetrics({
    openConnections: () => registry.size,
    subscriptions: () => registry.subscriptionCount(),
    openStreams: () => streams.openCount(),
    unreadWatchers: () => unreadFeed.watcherCount(),
  });
  const access = createSpaceAccess({ storage, publicSpaceCacheMs: PUBLIC_SPACE_CACHE_MS });
  const unreadFeed = createUnreadFeed({
    bus,
    onError: onBackgroundError('unread feed failure'),
    // Activity in a private space reaches its members only (issue 19).
    readersOf: async (spaceId) => {
      const space = await storage.getSpace(spaceId);
      if (space === undefined) return undefined;
      if (space.visibility !== 'private') return 'everyone';
      return new Set((await storage.listMembers(spaceId)).map((member) => member.timite.id));
    },
  });
  const hub = createHub({
    storage,
    bus,
    onDelivered: (count) => metrics.updatesDelivered.inc(count),
    onError: onBackgroundError('hub failure'),
    presenceFanoutMaxSubscriptions: config.presenceFanoutMaxSubscriptions,
    // A holder that went away stops publishing; an idle stream ends by its holder's timeout first.
    streamLostAfterMs: config.streamIdleMs + Math.min(config.streamIdleMs, STREAM_LOST_GRACE_MS),
  });
  const sessions = createSessions({ storage, ttlMs: config.sessionTtlMs, now });
  const accounts = createAccounts({
    storage,
    sessions,
    decoyHash: createDecoyHash(),
    registration: config.registration,
    now,
  });
  const send = {
    storage,
    bus,
    now,
    maxAgentStreak: config.maxAgentStreak,
    onPublishError: onBackgroundError('publish failed'),
  };
  const abilityTimeouts = startAbilityTimeouts({
    storage,
    bus,
    now,
    intervalMs: ABILITY_TIMEOUT_SWEEP_MS,
    onError: onBackgroundError('ability timeouts failed'),
  });
  const calls: AbilityCallDeps = {
    storage,
    bus,
    now,
    schemas: abilitySchemas,
    findAbilities: (spaceId, timiteId) => abilities.find(spaceId, timiteId),
    maxAgentStreak: config.maxAgentStreak,
    defaultTimeoutMs: config.abilityTimeoutMs,
    maxTimeoutMs: config.abilityTimeoutMaxMs,
    onCallStored: (deadline) => abilityTimeouts.due(deadline),
    onPublishError: onBackgroundError('publish failed'),
  };
  const changes = {
    ...send,
    maxReactionsPerMessage: config.maxReactionsPerMessage,
    maxReactionsPerTimite: config.maxReactionsPerTimite,
  };

  const streams = createStreams({
    bus,
    flushIntervalMs: config.streamFlushMs,
    idleTimeoutMs: config.streamIdleMs,
    maxOpenPerTimite: config.streamsPerTimite,
    maxChars: config.maxContentChars,
    // Checked again when the text is stored: its author may have been removed from the space
    // (or it archived) since the stream opened.
    storeFinalMessage: async (message) => {
      await access.postable(message.sender.id, message.spaceId);
      return sendMessage(send, message);
    },
    onError: onBackgroundError('stream failure'),
    onEnded: (reason) => metrics.streamsEnded.inc({ reason }),
  });

  const rateLimits = options.rateLimits ?? createRateLimits(config);
  const origins = createOriginPolicy({
    publicOrigin: config.publicOrigin,
    allowedOrigins: config.allowedOrigins,
    host: config.host,
  });
  const httpHandler = createHttpHandler({
    config,
    origins,
    services: {
      storage,
      bus,
      sessions,
      accounts,
      presence,
      send,
      changes,
      readMarkers: send,
      rateLimits,
      access,
      memberships: { storage, bus, access, now, onPublishError: onBackgroundError('publish failed') },
      calls,
      abilities,
    },
    metrics,
    logger,
    now,
    onLogout: (keyHash) => registry.closeSession(keyHash, CLOSE_UNAUTHENTICATED, 'Logged out.'),
  });
  const server = createServer(httpHandler);
  const sockets = attachWebSockets(server, {
    config,
    sessions,
    origins,
    services: { storage, access, bus, hub, presence, rateLimits, streams, unreadFeed, abilities, abilitySchemas },
    registry,
    metrics,
    logger,
    now,
  });
  const stopCleanup = sessions.startCleanup(config.sessionCleanupMs, onBackgroundError('session cleanup failed'));
  const stopPresenceSweeps = presence.startSweeps(config.presenceSweepMs, () => metrics.presenceSweeps.inc());
  const stopAbilitySweeps = abilities.startSweeps(config.presenceSweepMs);
  const revocations = await sessions.followRevocations({
    intervalMs: config.revocationPollMs,
    onRevoked: (revocation) => {
      if (revocation.kind === 'session')
        registry.closeSession(revocation.keyHash, CLOSE_UNAUTHENTICATED, 'Logged out.');
      else registry.closeTimite(revocation.timiteId, CLOSE_UNAUTHENTICATED, 'Revoked.');
    },
    onError: onBackgroundError('reading revocations failed'),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origins.listeningOn(port);
  const hostInUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostInUrl}:${port}`;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    stopCleanup();
    stopPresenceSweeps();
    stopAbilitySweeps();
    revocations.stop();
    sockets.stopAccepting();
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    registry.closeAll(CLOSE_GOING_AWAY, 'Server shutting down.');
    // Open streams end as 'disconnected' with their text stored, before storage closes.
    await streams.close();
    // Before storage closes: a sweep in progress finishes first.
    await abilityTimeouts.stop();
    hub.close();
    unreadFeed.close();
    await sockets.close(config.shutdownGraceMs);
    // Requests still running get the grace period; then their connections are cut.
    const grace = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
    grace.unref();
    await httpClosed;
    clearTimeout(grace);
  }

  return {
    server,
    url,
    stats: () => ({
      connections: registry.size,
      subscriptions: registry.subscriptionCount(),
      presenceEntries: presence.entryCount(),
      hubSpaces: hub.stats().spaces,
      hubSubscriptions: hub.stats().subscriptions,
      pendingFrames: registry.pendingFrames(),
      unauthenticatedSockets: sockets.unauthenticatedCount,
      unreadWatchers: unreadFeed.watcherCount(),
      abilityDeclarations: abilities.entryCount(),
    }),
    close: () => (closing ??= close()),
  };
}
