import type { SpaceId } from '@tim/protocol';
import type { Bus, PublishedEvent, Unsubscribe } from '../bus/bus';
import { toOutboundFrame, type OutboundFrame } from './outbound-frame';

/** A connection that asked for `unread_subscribe`. */
export interface UnreadWatcher {
  readonly timiteId: number;
  /** Hands a frame to the watcher's outbound queue. Must not throw and must not block. */
  deliver(frame: OutboundFrame): void;
}

/**
 * What keeps unread counts live without a subscription per space: `space_activity` for every
 * new message in every space, `read_marker` for each move of the watcher's own marker, and
 * `space_added` when someone else made the watcher's timite a member of a space (from any
 * connection or process). While at least one local connection watches, this process
 * listens to all spaces on the bus; with none, it does not.
 */
export interface UnreadFeed {
  /** Resolves once the watcher gets every event published afterwards; the answer stops it. */
  watch(watcher: UnreadWatcher): Promise<() => void>;
  /** Watchers here, for stats. */
  watcherCount(): number;
  /** Stops every watcher and listening. */
  close(): void;
}

/** Who may read a space (issue 19): everyone (public), or only these timites (private). */
export type SpaceReaders = 'everyone' | ReadonlySet<number>;

export interface UnreadFeedOptions {
  bus: Bus;
  /** A failed unsubscribe from the bus, or a failed look-up of readers: logged, never thrown. */
  onError: (err: unknown) => void;
  /**
   * Who may read a space, so that activity in a private space reaches its members only;
   * undefined: the space is gone (nobody). Cached per space until an `access` event names it.
   * @default every space is readable by everyone
   */
  readersOf?: (spaceId: SpaceId) => Promise<SpaceReaders | undefined>;
  /** How long a space's readers are trusted without an `access` event (which may be lost). @default 30000 */
  readersCacheMs?: number;
  now?: () => number;
}

/** At most this many spaces' readers are cached. */
const MAX_CACHED_READERS = 10_000;

export function createUnreadFeed({
  bus,
  onError,
  readersOf,
  readersCacheMs = 30_000,
  now = Date.now,
}: UnreadFeedOptions): UnreadFeed {
  const watchers = new Set<UnreadWatcher>();
  const byTimite = new Map<number, Set<UnreadWatcher>>();
  let listening: Promise<Unsubscribe> | undefined;
  const readers = new Map<SpaceId, { readers: SpaceReaders | undefined; until: number }>();
  /** Events of a space wait here, in order, while its readers are looked up. */
  const waiting = new Map<SpaceId, PublishedEvent[]>();

  function deliverActivity(spaceId: SpaceId, event: PublishedEvent, allowed: SpaceReaders | undefined): void {
    if (event.kind === 'read-marker') deliverReadMarker(spaceId, event.timiteId, event.readUpTo);
    if (event.kind !== 'update' || event.update.event.type !== 'message' || allowed === undefined) return;
    const { update } = event;
    const { message } = event.update.event;
    const frame = toOutboundFrame({
      type: 'space_activity',
      spaceId,
      updateId: update.id,
      messageId: message.id,
      senderId: message.sender.id,
      mentions: message.mentions,
    });
    if (allowed === 'everyone') {
      for (const watcher of watchers) watcher.deliver(frame);
      return;
    }
    for (const timiteId of allowed) for (const watcher of byTimite.get(timiteId) ?? []) watcher.deliver(frame);
  }

  /** Looks the space's readers up, then hands over the events that waited for them, in order. */
  function lookUpReaders(spaceId: SpaceId, lookUp: NonNullable<UnreadFeedOptions['readersOf']>): void {
    lookUp(spaceId)
      .then(
        (found) => {
          if (readers.size >= MAX_CACHED_READERS) readers.clear();
          readers.set(spaceId, { readers: found, until: now() + readersCacheMs });
          return found;
        },
        (err: unknown) => {
          onError(err);
          return undefined;
        },
      )
      .then((found) => {
        const queued = waiting.get(spaceId) ?? [];
        waiting.delete(spaceId);
        for (const event of queued) deliverActivity(spaceId, event, found);
      })
      .catch(onError);
  }

  function onActivity(spaceId: SpaceId, event: PublishedEvent): void {
    if (readersOf === undefined) {
      deliverActivity(spaceId, event, 'everyone');
      return;
    }
    const queued = waiting.get(spaceId);
    if (queued !== undefined) {
      queued.push(event);
      return;
    }
    const cached = readers.get(spaceId);
    if (cached !== undefined && cached.until > now()) {
      deliverActivity(spaceId, event, cached.readers);
      return;
    }
    waiting.set(spaceId, [event]);
    lookUpReaders(spaceId, readersOf);
  }

  function deliverReadMarker(spaceId: SpaceId, timiteId: number, readUpTo: number): void {
    const own = byTimite.get(timiteId);
    if (own === undefined) return;
    const frame = toOutboundFrame({ type: 'read_marker', spaceId, readUpTo });
    for (const watcher of own) watcher.deliver(frame);
  }

  function deliverSpaceAdded(spaceId: SpaceId, timiteIds: readonly number[]): void {
    const frame = toOutboundFrame({ type: 'space_added', spaceId });
    for (const timiteId of timiteIds) for (const watcher of byTimite.get(timiteId) ?? []) watcher.deliver(frame);
  }

  function onEvent(spaceId: SpaceId, event: PublishedEvent): void {
    if (event.kind === 'access') {
      readers.delete(spaceId);
      if (event.grant !== undefined) deliverSpaceAdded(spaceId, event.grant.timiteIds);
    } else if (event.kind === 'update') {
      // Edits, deletes and reactions change no count that a client can keep by itself.
      if (event.update.event.type !== 'message' || watchers.size === 0) return;
      // Only to those who may read the space (issue 19).
      onActivity(spaceId, event);
    } else if (event.kind === 'read-marker') {
      // Behind the space's activity still waiting for its readers, so a client sees them in order.
      const queued = waiting.get(spaceId);
      if (queued !== undefined) queued.push(event);
      else deliverReadMarker(spaceId, event.timiteId, event.readUpTo);
    }
  }

  function stopListening(): void {
    const current = listening;
    listening = undefined;
    // Not listening, access events go unheard: what is cached may go stale.
    readers.clear();
    current?.then((unsubscribe) => unsubscribe()).catch(onError);
  }

  function remove(watcher: UnreadWatcher): void {
    if (!watchers.delete(watcher)) return;
    const own = byTimite.get(watcher.timiteId);
    own?.delete(watcher);
    if (own?.size === 0) byTimite.delete(watcher.timiteId);
    if (watchers.size === 0) stopListening();
  }

  return {
    async watch(watcher) {
      // Counted from now, so that no other watcher leaving stops the listening it waits for.
      watchers.add(watcher);
      let own = byTimite.get(watcher.timiteId);
      if (own === undefined) {
        own = new Set();
        byTimite.set(watcher.timiteId, own);
      }
      own.add(watcher);
      if (listening === undefined) {
        const started = bus.subscribeAll(onEvent);
        listening = started;
        started.catch(() => {
          if (listening === started) listening = undefined;
        });
      }
      try {
        await listening;
      } catch (err) {
        remove(watcher);
        throw err;
      }
      return () => remove(watcher);
    },

    watcherCount: () => watchers.size,

    close() {
      watchers.clear();
      byTimite.clear();
      stopListening();
    },
  };
}
