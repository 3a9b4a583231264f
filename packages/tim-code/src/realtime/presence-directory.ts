import type { SpaceId, Timite } from '@tim/protocol';

/** A timite holding at least one subscription in a space on this process. */
export interface HeldPresence {
  spaceId: SpaceId;
  timite: Timite;
}

/** A change of a timite's state in a space that no arrival or departure here announced. */
export interface PresenceChange extends HeldPresence {
  state: 'online' | 'offline';
}

/** What an arrival or departure did. */
export interface PresenceDecision {
  /** The timite's state changed everywhere: worth an event. */
  changed: boolean;
  /** Memberships in the space on every process, where the directory counts them (after the change). */
  members?: number;
}

/**
 * Who is online across processes. A process's Presence counts its own subscriptions and
 * asks the directory only when a timite arrives in or departs from a space here; the answer
 * says whether that changed the timite's state everywhere, so online/offline events are sent
 * once per real change, not once per process.
 */
export interface PresenceDirectory {
  /** The timite's first subscription in the space on this process; changed when it is new anywhere. */
  arrived(spaceId: SpaceId, timite: Timite): Promise<PresenceDecision>;
  /** Its last one on this process went away; changed when it is now offline everywhere. */
  departed(spaceId: SpaceId, timite: Timite): Promise<PresenceDecision>;
  /** Online in the space on any process, given those online here; by timite id. */
  online(spaceId: SpaceId, here: Timite[]): Promise<Timite[]>;
  /**
   * Settles what no arrival or departure told: takes over the memberships of processes that
   * stopped renewing their liveness (crashed), and restores this process's own (`held`, read
   * only then) if it was itself taken for gone. Returns the changes for the caller to announce;
   * across processes, each change is returned to exactly one caller.
   */
  sweep(held: () => HeldPresence[]): Promise<PresenceChange[]>;
  close(): Promise<void>;
}

/** One process: what is true here is true everywhere. */
export function createLocalPresenceDirectory(): PresenceDirectory {
  return {
    arrived: async () => ({ changed: true }),
    departed: async () => ({ changed: true }),
    online: async (_spaceId, here) => here,
    sweep: async () => [],
    close: async () => undefined,
  };
}
