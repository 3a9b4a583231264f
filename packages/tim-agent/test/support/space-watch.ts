import type { Activity, Message, StreamEndEvent, StreamEvent, TimClient, TimConnection } from '@tim/protocol';
import { subscribed } from './start-tim';

/** What a human's live connection received from a space, in order of arrival. */
export type WatchedEvent =
  | { kind: 'activity'; nick: string; activity: Activity }
  | { kind: 'stream'; event: StreamEvent }
  | { kind: 'stream_end'; event: StreamEndEvent }
  | { kind: 'message'; message: Message };

/**
 * A human watching a space live, as tim-web does: activity, the streams as they grow and end,
 * and the messages. Tests read the order things arrived in and wait for the one they need.
 */
export interface SpaceWatch {
  live: TimConnection;
  readonly events: WatchedEvent[];
  /** Resolves with the first event (from the start) for which `pick` returns something; the timeout names `what`. */
  waitFor<T>(what: string, pick: (event: WatchedEvent) => T | undefined, timeoutMs?: number): Promise<T>;
  /** The stream events of one stream, in order. */
  streamEvents(streamId: string): StreamEvent[];
  close(): void;
}

export async function watchSpace(client: TimClient, spaceId = 'main'): Promise<SpaceWatch> {
  const live = client.connect();
  const events: WatchedEvent[] = [];
  const waiters = new Set<() => void>();
  const record = (event: WatchedEvent): void => {
    events.push(event);
    for (const wake of [...waiters]) wake();
  };
  live.on('activity', (event) => record({ kind: 'activity', nick: event.timite.nick, activity: event.activity }));
  live.on('stream', (event) => record({ kind: 'stream', event }));
  live.on('stream_end', (event) => record({ kind: 'stream_end', event }));
  live.on('update', (update) => {
    if (update.event.type === 'message') record({ kind: 'message', message: update.event.message });
  });
  live.subscribe(spaceId);
  await subscribed(live, spaceId);
  return {
    live,
    events,
    waitFor(what, pick, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          for (const event of events) {
            const picked = pick(event);
            if (picked === undefined) continue;
            clearTimeout(timer);
            waiters.delete(check);
            resolve(picked);
            return;
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${what} not seen within ${timeoutMs} ms; saw ${JSON.stringify(events.slice(-5))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    streamEvents(streamId) {
      return events.flatMap((event) =>
        event.kind === 'stream' && event.event.streamId === streamId ? [event.event] : [],
      );
    },
    close: () => live.close(),
  };
}

/** The first message from `nick`, for `SpaceWatch.waitFor`. */
export const messageFrom =
  (nick: string) =>
  (event: WatchedEvent): Message | undefined =>
    event.kind === 'message' && event.message.sender.nick === nick ? event.message : undefined;

/** The first stream event of `nick`'s with some text, for `SpaceWatch.waitFor`. */
export const streamTextFrom =
  (nick: string) =>
  (event: WatchedEvent): StreamEvent | undefined =>
    event.kind === 'stream' && event.event.author.nick === nick && event.event.text !== '' ? event.event : undefined;

/** The end of stream `streamId`, for `SpaceWatch.waitFor`. */
export const streamEnd =
  (streamId: string) =>
  (event: WatchedEvent): StreamEndEvent | undefined =>
    event.kind === 'stream_end' && event.event.streamId === streamId ? event.event : undefined;
