import { randomUUID } from 'node:crypto';
import { EphemeralEvent, Update, type SpaceId } from '@tim/protocol';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { redactedUrl } from '../redacted-url';
import type { AllSpacesListener, Bus, BusListener, PublishedEvent, Unsubscribe } from './bus';
import { createLocalBus } from './local-bus';
import { AccessChange } from './access-change';
import { StreamControl } from './stream-control';
import { errorMessage } from '../error-text';

/**
 * A bus event as it crosses Redis: parsed on arrival, like anything from another process.
 * `origin` names the publishing process, which delivered the event to its own listeners
 * already; messages without it (from a release before it) are delivered.
 */
const BusEventMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), update: Update, origin: z.string().optional() }),
  z.object({ kind: z.literal('ephemeral'), event: EphemeralEvent, origin: z.string().optional() }),
  z.object({ kind: z.literal('stream-control'), control: StreamControl, origin: z.string().optional() }),
  z.object({
    kind: z.literal('read-marker'),
    timiteId: z.number().int().positive(),
    readUpTo: z.number().int().nonnegative(),
    origin: z.string().optional(),
  }),
  AccessChange.extend({ kind: z.literal('access'), origin: z.string().optional() }),
]);

/** A glob pattern (PSUBSCRIBE) that matches exactly the names starting with `prefix`. */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}*`;
}

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** Channel names are this prefix plus the space id. @default 'tim:space:' */
  channelPrefix?: string;
  /** Told about a listener that threw; the other listeners still get the event. */
  onListenerError?: (err: unknown) => void;
  /** A message that did not parse, or a connection error; the bus keeps going. */
  onError?: (err: unknown) => void;
  /** The link to Redis came back after a loss; the listeners were told to resync. */
  onReconnected?: () => void;
}

/**
 * Redis pub/sub between tim-code processes: one channel per space, one connection that
 * publishes and one in subscriber mode per process, each space's channel subscribed while
 * this process has listeners for it, and the pattern of every space's channel (PSUBSCRIBE)
 * while it has listeners to all spaces.
 *
 * Local first: an event reaches this process's own listeners through an in-process bus, never
 * through Redis, so subscribers on the process that stored an update get it live while Redis
 * is down. What crosses Redis is at-most-once like every bus; the losses an outage causes are
 * made good when the link returns:
 *   - the subscriber connection came back: every listener gets `resync` and reads what it
 *     missed from storage (the hub compares each space's head with what it delivered);
 *   - the publisher came back: the newest update of each space it could not publish goes out
 *     then, so the other processes see the gap and fill it from storage.
 * Messages from one publisher arrive in publish order (one connection).
 */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const prefix = options.channelPrefix ?? 'tim:space:';
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(`redis bus: ${String(err)}`));
  const origin = randomUUID();
  const local = createLocalBus({ onListenerError: options.onListenerError });
  let isConnected = false;
  // No retries while starting, so a wrong URL fails at once; afterwards reconnect for ever,
  // backing off to 2 s (ioredis then resubscribes the channels by itself).
  const retryStrategy = (times: number) => (isConnected ? Math.min(times * 100, 2000) : null);
  // Publishes fail at once while disconnected instead of piling up in ioredis's offline queue.
  const publisher = new Redis(options.url, { lazyConnect: true, retryStrategy, enableOfflineQueue: false });
  const subscriber = new Redis(options.url, { lazyConnect: true, retryStrategy });
  /** While starting, errors explain the failed start instead of being reported one by one. */
  let startError: unknown;
  const onClientError = (err: unknown): void => {
    if (isConnected) onError(err);
    else startError ??= err;
  };
  publisher.on('error', onClientError);
  subscriber.on('error', onClientError);
  /** Redis channels this process subscribes to, with the number of local listeners each. */
  const channels = new Map<string, { listeners: number; subscribed: Promise<unknown> }>();
  /** The pattern subscription for listeners to every space, while there are any. */
  let allSpaces: { listeners: number; subscribed: Promise<unknown> } | undefined;
  const allSpacesPattern = prefixPattern(prefix);
  /** Per space, the newest update that could not be published: sent once the publisher is back. */
  const unpublished = new Map<SpaceId, PublishedEvent>();
  let closed = false;
  let isRelayFailing = false;

  // This process's own events come back from Redis, delivered here already; `relay` puts the
  // origin last, so they are dropped before any parsing (half of what a process receives).
  const ownSuffix = `,"origin":${JSON.stringify(origin)}}`;

  /** A message from Redis, parsed, to this process's listeners of its space or of every space. */
  function onRedisMessage(name: string, message: string, to: 'space' | 'all'): void {
    if (message.endsWith(ownSuffix)) return;
    let parsed: z.infer<typeof BusEventMessage>;
    try {
      parsed = BusEventMessage.parse(JSON.parse(message));
    } catch (err) {
      onError(new Error(`dropped a malformed message on ${name}: ${errorMessage(err)}`));
      return;
    }
    const { origin: from, ...event } = parsed;
    if (from !== origin) local.deliver(name.slice(prefix.length), event, to);
  }

  // A channel that is subscribed and matches the pattern arrives twice: once for each audience.
  subscriber.on('message', (name: string, message: string) => {
    if (channels.has(name)) onRedisMessage(name, message, 'space');
  });
  subscriber.on('pmessage', (pattern: string, name: string, message: string) => {
    if (pattern === allSpacesPattern && allSpaces !== undefined) onRedisMessage(name, message, 'all');
  });

  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    isConnected = true;
  } catch (err) {
    // A client that gave up is already ended; ending it again would arm ioredis's 2 s timer.
    for (const client of [publisher, subscriber]) if (client.status !== 'end') client.disconnect();
    const reason = startError ?? err;
    throw new Error(`Could not connect to Redis at ${redactedUrl(options.url)}: ${errorMessage(reason)}`, {
      cause: err,
    });
  }

  // 'ready' again after a loss. The SUBSCRIBE is answered after ioredis's own resubscription,
  // so once it is, every channel is back and whatever came before is in storage.
  subscriber.on('ready', () => {
    const names = [...channels.keys()];
    const resubscribed = Promise.all([
      names.length === 0 ? undefined : subscriber.subscribe(...names),
      allSpaces === undefined ? undefined : subscriber.psubscribe(allSpacesPattern),
    ]);
    resubscribed.then(
      () => {
        for (const spaceId of local.spaces()) local.deliver(spaceId, { kind: 'resync' });
        options.onReconnected?.();
      },
      (err: unknown) => onError(err),
    );
  });
  publisher.on('ready', () => {
    isRelayFailing = false;
    const pending = [...unpublished];
    unpublished.clear();
    for (const [spaceId, event] of pending) void relay(spaceId, event);
  });

  const assertOpen = (): void => {
    if (closed) throw new Error('The bus is closed.');
  };

  /**
   * Best effort, like the bus: a failed publish is kept (the newest update per space) for the
   * reconnect, and only the first failure of an outage is reported.
   */
  async function relay(spaceId: SpaceId, event: PublishedEvent): Promise<void> {
    try {
      if (publisher.status !== 'ready') throw new Error(`Redis is not connected (${publisher.status}).`);
      // The origin last: see ownSuffix.
      await publisher.publish(prefix + spaceId, JSON.stringify({ ...event, origin }));
    } catch (err) {
      if (event.kind === 'update') unpublished.set(spaceId, event);
      if (!isRelayFailing)
        onError(
          new Error(`publishing to the other processes failed; they catch up when Redis is back: ${errorMessage(err)}`),
        );
      isRelayFailing = true;
    }
  }

  return {
    async publish(spaceId, event) {
      assertOpen();
      local.deliver(spaceId, event);
      await relay(spaceId, event);
    },

    async subscribe(spaceId: SpaceId, listener: BusListener): Promise<Unsubscribe> {
      assertOpen();
      const name = prefix + spaceId;
      let channel = channels.get(name);
      if (channel === undefined) {
        // Commands on one connection run in order, so a SUBSCRIBE sent after an UNSUBSCRIBE of
        // the same channel leaves it subscribed.
        channel = { listeners: 0, subscribed: subscriber.subscribe(name) };
        channels.set(name, channel);
      }
      channel.listeners += 1;
      const current = channel;
      const unsubscribeLocal = await local.subscribe(spaceId, listener);
      let isSubscribed = true;
      const unsubscribe = async (): Promise<void> => {
        if (!isSubscribed) return;
        isSubscribed = false;
        await unsubscribeLocal();
        current.listeners -= 1;
        if (current.listeners > 0 || channels.get(name) !== current) return;
        channels.delete(name);
        if (!closed && subscriber.status === 'ready') await subscriber.unsubscribe(name);
      };
      // While Redis is away the SUBSCRIBE waits in ioredis's queue; the listener does not:
      // local events reach it now, and the resync after the reconnect covers the rest.
      if (subscriber.status !== 'ready') {
        current.subscribed.catch(() => undefined);
        return unsubscribe;
      }
      try {
        await current.subscribed;
      } catch (err) {
        await unsubscribe().catch(() => undefined);
        throw err;
      }
      return unsubscribe;
    },

    async subscribeAll(listener: AllSpacesListener): Promise<Unsubscribe> {
      assertOpen();
      allSpaces ??= { listeners: 0, subscribed: subscriber.psubscribe(allSpacesPattern) };
      allSpaces.listeners += 1;
      const current = allSpaces;
      const unsubscribeLocal = await local.subscribeAll(listener);
      let isSubscribed = true;
      const unsubscribe = async (): Promise<void> => {
        if (!isSubscribed) return;
        isSubscribed = false;
        await unsubscribeLocal();
        current.listeners -= 1;
        if (current.listeners > 0 || allSpaces !== current) return;
        allSpaces = undefined;
        if (!closed && subscriber.status === 'ready') await subscriber.punsubscribe(allSpacesPattern);
      };
      if (subscriber.status !== 'ready') {
        current.subscribed.catch(() => undefined);
        return unsubscribe;
      }
      try {
        await current.subscribed;
      } catch (err) {
        await unsubscribe().catch(() => undefined);
        throw err;
      }
      return unsubscribe;
    },

    async ping() {
      assertOpen();
      // Not connected: say so now; a command would wait in ioredis's offline queue instead.
      for (const client of [publisher, subscriber]) {
        if (client.status !== 'ready') throw new Error(`Redis is not connected (${client.status}).`);
      }
      await answerWithin(publisher.ping(), PING_TIMEOUT_MS, `Redis did not answer PING within ${PING_TIMEOUT_MS} ms.`);
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      allSpaces = undefined;
      unpublished.clear();
      await local.close();
      // QUIT would wait in the offline queue for a Redis that is away: then just disconnect.
      await Promise.allSettled(
        [publisher, subscriber].map(async (client) =>
          client.status === 'ready' ? client.quit() : client.disconnect(),
        ),
      );
    },
  };
}

/** /readyz must answer, not wait for a reconnect: a PING on a dying connection would. */
const PING_TIMEOUT_MS = 1000;

async function answerWithin<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
