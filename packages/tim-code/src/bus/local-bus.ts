import type { SpaceId } from '@tim/protocol';
import type { Bus, BusEvent, BusListener, Unsubscribe } from './bus';

export interface LocalBusOptions {
  /** Told about a listener that threw; the other listeners still get the event. */
  onListenerError?: (err: unknown) => void;
}

/**
 * The in-process bus. Publishing only enqueues: listeners run on a later turn of the event
 * loop, so a publisher never runs subscriber code on its own stack. Events leave the queue in
 * publish order.
 */
export interface LocalBus extends Bus {
  /** What publish does, for any bus event: the Redis bus hands remote events and `resync` here. */
  deliver(spaceId: SpaceId, event: BusEvent): void;
  /** Spaces with at least one listener. */
  spaces(): SpaceId[];
}

export function createLocalBus(options: LocalBusOptions = {}): LocalBus {
  const onListenerError =
    options.onListenerError ?? ((err: unknown) => process.emitWarning(`bus listener failed: ${String(err)}`));
  const listeners = new Map<SpaceId, Set<BusListener>>();
  const queue: Array<{ spaceId: SpaceId; event: BusEvent }> = [];
  let drainScheduled = false;
  let closed = false;

  function drain(): void {
    drainScheduled = false;
    // Only what is queued now; events published by listeners wait for the next turn.
    const batch = queue.splice(0, queue.length);
    for (const { spaceId, event } of batch) {
      // A copy: a listener may unsubscribe while the event is being delivered.
      for (const listener of [...(listeners.get(spaceId) ?? [])]) {
        if (listeners.get(spaceId)?.has(listener) !== true) continue;
        try {
          listener(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    }
  }

  function deliver(spaceId: SpaceId, event: BusEvent): void {
    if (closed) return;
    queue.push({ spaceId, event });
    if (!drainScheduled) {
      drainScheduled = true;
      setImmediate(drain);
    }
  }

  return {
    deliver,

    spaces: () => [...listeners.keys()],

    async publish(spaceId, event) {
      if (closed) throw new Error('The bus is closed.');
      deliver(spaceId, event);
    },

    async subscribe(spaceId, listener): Promise<Unsubscribe> {
      if (closed) throw new Error('The bus is closed.');
      // A wrapper per call, so the same function subscribed twice is two subscriptions.
      const entry: BusListener = (event) => listener(event);
      let set = listeners.get(spaceId);
      if (set === undefined) {
        set = new Set();
        listeners.set(spaceId, set);
      }
      set.add(entry);
      return async () => {
        const current = listeners.get(spaceId);
        current?.delete(entry);
        if (current?.size === 0) listeners.delete(spaceId);
      };
    },

    async ping() {
      if (closed) throw new Error('The bus is closed.');
    },

    async close() {
      closed = true;
      queue.length = 0;
      listeners.clear();
    },
  };
}
