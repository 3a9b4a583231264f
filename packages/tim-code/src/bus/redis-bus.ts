import { EphemeralEvent, Update, type SpaceId } from '@tim/protocol';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { redactedUrl } from '../redacted-url';
import type { Bus, BusEvent, BusListener, Unsubscribe } from './bus';

/** A bus event as it crosses Redis: parsed on arrival, like anything from another process. */
const BusEventMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), update: Update }),
  z.object({ kind: z.literal('ephemeral'), event: EphemeralEvent }),
]);

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** Channel names are this prefix plus the space id. @default 'tim:space:' */
  channelPrefix?: string;
  /** Told about a listener that threw; the other listeners still get the event. */
  onListenerError?: (err: unknown) => void;
  /** A message that did not parse, or a connection error; the bus keeps going. */
  onError?: (err: unknown) => void;
}

interface Channel {
  readonly listeners: Set<BusListener>;
  /** Settles once Redis confirmed the subscription. */
  readonly subscribed: Promise<unknown>;
}

/**
 * Redis pub/sub between tim-code processes: one channel per space, one connection that
 * publishes and one in subscriber mode per process, each space's channel subscribed while
 * this process has listeners for it.
 *
 * Like every bus, delivery is at-most-once: what is published while a process is cut off
 * from Redis does not reach it. The hub fills such a gap from storage when the space's next
 * update arrives. Messages from one publisher arrive in publish order (one connection).
 */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const prefix = options.channelPrefix ?? 'tim:space:';
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(`redis bus: ${String(err)}`));
  const onListenerError = options.onListenerError ?? ((err: unknown) => process.emitWarning(`bus listener failed: ${String(err)}`));
  let isConnected = false;
  // No retries while starting, so a wrong URL fails at once; afterwards reconnect for ever,
  // backing off to 2 s (ioredis then resubscribes the channels by itself).
  const connection = { lazyConnect: true, retryStrategy: (times: number) => (isConnected ? Math.min(times * 100, 2000) : null) };
  const publisher = new Redis(options.url, connection);
  const subscriber = new Redis(options.url, connection);
  /** While starting, errors explain the failed start instead of being reported one by one. */
  let startError: unknown;
  const onClientError = (err: unknown): void => {
    if (isConnected) onError(err);
    else startError ??= err;
  };
  publisher.on('error', onClientError);
  subscriber.on('error', onClientError);
  const channels = new Map<string, Channel>();
  let closed = false;

  subscriber.on('message', (name: string, message: string) => {
    const channel = channels.get(name);
    if (channel === undefined) return;
    let event: BusEvent;
    try {
      event = BusEventMessage.parse(JSON.parse(message));
    } catch (err) {
      onError(new Error(`dropped a malformed message on ${name}: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    // A copy: a listener may unsubscribe while the event is being delivered.
    for (const listener of [...channel.listeners]) {
      if (!channel.listeners.has(listener)) continue;
      try {
        listener(event);
      } catch (err) {
        onListenerError(err);
      }
    }
  });

  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    isConnected = true;
  } catch (err) {
    // A client that gave up is already ended; ending it again would arm ioredis's 2 s timer.
    for (const client of [publisher, subscriber]) if (client.status !== 'end') client.disconnect();
    const reason = startError ?? err;
    throw new Error(`Could not connect to Redis at ${redactedUrl(options.url)}: ${reason instanceof Error ? reason.message : String(reason)}`, {
      cause: err,
    });
  }

  const assertOpen = (): void => {
    if (closed) throw new Error('The bus is closed.');
  };

  return {
    async publish(spaceId, event) {
      assertOpen();
      await publisher.publish(prefix + spaceId, JSON.stringify(event));
    },

    async subscribe(spaceId: SpaceId, listener: BusListener): Promise<Unsubscribe> {
      assertOpen();
      const name = prefix + spaceId;
      let channel = channels.get(name);
      if (channel === undefined) {
        // Commands on one connection run in order, so a SUBSCRIBE sent after an UNSUBSCRIBE of
        // the same channel leaves it subscribed.
        channel = { listeners: new Set(), subscribed: subscriber.subscribe(name) };
        channels.set(name, channel);
      }
      // A wrapper per call, so the same function subscribed twice is two subscriptions.
      const entry: BusListener = (event) => listener(event);
      channel.listeners.add(entry);
      const current = channel;
      const unsubscribe = async (): Promise<void> => {
        current.listeners.delete(entry);
        if (current.listeners.size > 0 || channels.get(name) !== current) return;
        channels.delete(name);
        if (!closed) await subscriber.unsubscribe(name);
      };
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
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
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
