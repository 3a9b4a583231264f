import type { EphemeralEvent, SpaceId, Update } from '@tim/protocol';
import type { AccessChange } from './access-change';
import type { StreamControl } from './stream-control';

/**
 * What travels between the processes that serve a space: updates, ephemeral events for its
 * subscribers, requests to the process that holds one of its streams, and a timite's read
 * marker that moved in the space (for that timite's unread feeds, not for subscribers), and a
 * change of who may read the space (issue 19: subscriptions of those who lost it end, unread
 * feeds of those who were added hear of it).
 */
export type PublishedEvent =
  | { kind: 'update'; update: Update }
  | { kind: 'ephemeral'; event: EphemeralEvent }
  | { kind: 'stream-control'; control: StreamControl }
  | { kind: 'read-marker'; timiteId: number; readUpTo: number }
  | ({ kind: 'access' } & AccessChange);

/**
 * What a listener receives: published events, and `resync` from a bus that may have lost some
 * (its link to the other processes was down). Updates are in storage, so a listener told to
 * resync reads what it missed from there; lost ephemeral events stay lost.
 */
export type BusEvent = PublishedEvent | { kind: 'resync' };

export type BusListener = (event: BusEvent) => void;

/** A listener to every space: told which space each published event is for. */
export type AllSpacesListener = (spaceId: SpaceId, event: PublishedEvent) => void;

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
  /** Reaches this process's listeners even when the other processes cannot be reached. */
  publish(spaceId: SpaceId, event: PublishedEvent): Promise<void>;
  /** Resolves once the listener is registered: events published after that reach it. */
  subscribe(spaceId: SpaceId, listener: BusListener): Promise<Unsubscribe>;
  /**
   * Listens to the events published in every space, from every process; resolves once events
   * published after that reach it. No `resync`: what is lost while the link is down stays lost.
   */
  subscribeAll(listener: AllSpacesListener): Promise<Unsubscribe>;
  /** Resolves when the bus answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
