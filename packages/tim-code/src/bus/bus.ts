import type { EphemeralEvent, SpaceId, Update } from '@tim/protocol';

/** What travels between the processes that serve a space. */
export type BusEvent =
  | { kind: 'update'; update: Update }
  | { kind: 'ephemeral'; event: EphemeralEvent };

export type BusListener = (event: BusEvent) => void;

/** Removes a listener; resolves once no further event reaches it. */
export type Unsubscribe = () => Promise<void>;

/**
 * Fan-out between processes: in-process by default (`local-bus.ts`), Redis pub/sub for
 * scale-out (`redis-bus.ts`); both pass `bus.contract.ts`.
 *
 * Delivery is at-most-once and ordered per publisher; the hub above the bus restores
 * per-space order and fills gaps from storage, so a bus may reorder across publishers.
 */
export interface Bus {
  publish(spaceId: SpaceId, event: BusEvent): Promise<void>;
  /** Resolves once the listener is registered: events published after that reach it. */
  subscribe(spaceId: SpaceId, listener: BusListener): Promise<Unsubscribe>;
  /** Resolves when the bus answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
