import type { SpaceId } from '@tim/protocol';
import type { AllSpacesListener, Bus, BusEvent, BusListener, Unsubscribe } from './bus';

export interface LocalBusOptions {
  /** Told about a listener that threw; the other listeners still get the event. */
  onListenerError?: (err: unknown) => void;
}

/**
 * The in-process bus. Publishing only enqueues: listeners run on a later turn of the event
 * loop, so a publisher never runs subscriber code on its own stack. Events leave the queue in
 * publish order.
 */
/** Who an event delivered by hand reaches: the space's listeners, the all-spaces listeners, or both. */
export type DeliverTo = 'space' | 'all' | 'both';

export interface LocalBus extends Bus {
  /**
   * What publish does, for any bus event: the Redis bus hands remote events and `resync` here
   * (`to` picks the listeners, as Redis tells channel and pattern subscribers apart).
   * All-spaces listeners never get `resync`.
   */
  deliver(spaceId: SpaceId, event: BusEvent, to?: DeliverTo): void;
  /** Spaces with at least one listener. */
  spaces(): SpaceId[];
}

export function createLocalBus(options: LocalBusOptions = {}): LocalBus {
  const onListenerError =
    options.onListenerError ?? ((err: unknown) => process.emitWarning(`bus listener failed: ${String(err)}`));
  const listeners = new Map<SpaceId, Set<BusListener>>();
  const allSpacesListeners = new Set<AllSpacesListener>();
  const queue: Array<{ spaceId: SpaceId; event: BusEvent; to: DeliverTo }> = [];
  let drainScheduled = false;
  let closed = false;

  function drain(): void {
    drainScheduled = false;
    // Only what is queued now; events published by listeners wait for the next turn.
    const batch = queue.splice(0, queue.length);
    for (const { spaceId, event, to } of batch) {
      if (to !== 'all') deliverToSpace(spaceId, event);
      if (to !== 'space' && event.kind !== 'resync' && allSpacesListeners.size > 0) deliverToAllSpaces(spaceId, event);
    }
  }

  function deliverToSpace(spaceId: SpaceId, event: BusEvent): void {
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

  function deliverToAllSpaces(spaceId: SpaceId, event: Exclude<BusEvent, { kind: 'resync' }>): void {
    for (const listener of [...allSpacesListeners]) {
      if (!allSpacesListeners.has(listener)) continue;
      try {
        listener(spaceId, event);
      } catch (err) {
        onListenerError(err);
      }
    }
  }

  function deliver(spaceId: SpaceId, event: BusEvent, to: DeliverTo = 'both'): void {
    if (closed) return;
    queue.push({ spaceId, event, to });
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

    async subscribeAll(listener): Promise<Unsubscribe> {
      if (closed) throw new Error('The bus is closed.');
      const entry: AllSpacesListener = (spaceId, event) => listener(spaceId, event);
      allSpacesListeners.add(entry);
      return async () => {
        allSpacesListeners.delete(entry);
      };
    },

    async ping() {
      if (closed) throw new Error('The bus is closed.');
    },

    async close() {
      closed = true;
      queue.length = 0;
      listeners.clear();
      allSpacesListeners.clear();
    },
  };
}
