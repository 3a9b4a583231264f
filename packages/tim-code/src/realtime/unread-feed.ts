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
 * new message in every space, and `read_marker` for each move of the watcher's own marker (from
 * any connection or process). While at least one local connection watches, this process
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

export interface UnreadFeedOptions {
  bus: Bus;
  /** A failed unsubscribe from the bus: logged, never thrown. */
  onError: (err: unknown) => void;
}

export function createUnreadFeed({ bus, onError }: UnreadFeedOptions): UnreadFeed {
  const watchers = new Set<UnreadWatcher>();
  const byTimite = new Map<number, Set<UnreadWatcher>>();
  let listening: Promise<Unsubscribe> | undefined;

  function onEvent(spaceId: SpaceId, event: PublishedEvent): void {
    if (event.kind === 'update') {
      const { update } = event;
      // Edits, deletes and reactions change no count that a client can keep by itself.
      if (update.event.type !== 'message' || watchers.size === 0) return;
      const { message } = update.event;
      const frame = toOutboundFrame({
        type: 'space_activity',
        spaceId,
        updateId: update.id,
        messageId: message.id,
        senderId: message.sender.id,
        mentions: message.mentions,
      });
      for (const watcher of watchers) watcher.deliver(frame);
    } else if (event.kind === 'read-marker') {
      const own = byTimite.get(event.timiteId);
      if (own === undefined) return;
      const frame = toOutboundFrame({ type: 'read_marker', spaceId, readUpTo: event.readUpTo });
      for (const watcher of own) watcher.deliver(frame);
    }
  }

  function stopListening(): void {
    const current = listening;
    listening = undefined;
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
