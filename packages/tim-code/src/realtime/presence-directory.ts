import type { SpaceId, Timite } from '@tim/protocol';

/**
 * Who is online across processes. A process's Presence counts its own subscriptions and
 * asks the directory only when a timite arrives in or departs from a space here; the answer
 * says whether that changed the timite's state everywhere, so online/offline events are sent
 * once per real change, not once per process.
 */
export interface PresenceDirectory {
  /** The timite's first subscription in the space on this process; true when it is new anywhere. */
  arrived(spaceId: SpaceId, timite: Timite): Promise<boolean>;
  /** Its last one on this process went away; true when it is now offline everywhere. */
  departed(spaceId: SpaceId, timite: Timite): Promise<boolean>;
  /** Online in the space on any process, given those online here; by timite id. */
  online(spaceId: SpaceId, here: Timite[]): Promise<Timite[]>;
  close(): Promise<void>;
}

/** One process: what is true here is true everywhere. */
export function createLocalPresenceDirectory(): PresenceDirectory {
  return {
    arrived: async () => true,
    departed: async () => true,
    online: async (_spaceId, here) => here,
    close: async () => undefined,
  };
}
