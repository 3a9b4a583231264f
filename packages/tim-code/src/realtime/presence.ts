import type { EphemeralEvent, SpaceId, Timite } from '@tim/protocol';

export interface PresenceOptions {
  /** Publishes an online/offline event; called only when a timite's state changes. */
  publish: (spaceId: SpaceId, event: EphemeralEvent) => void;
}

/**
 * Who is online where, in this process: a timite is online in a space while it holds at
 * least one subscription there, from any number of connections.
 */
export function createPresence({ publish }: PresenceOptions) {
  const bySpace = new Map<SpaceId, Map<number, { timite: Timite; subscriptions: number }>>();

  return {
    join(spaceId: SpaceId, timite: Timite): void {
      let members = bySpace.get(spaceId);
      if (members === undefined) {
        members = new Map();
        bySpace.set(spaceId, members);
      }
      const entry = members.get(timite.id);
      if (entry !== undefined) {
        entry.subscriptions += 1;
        return;
      }
      members.set(timite.id, { timite, subscriptions: 1 });
      publish(spaceId, { type: 'presence', spaceId, timite, state: 'online' });
    },

    leave(spaceId: SpaceId, timiteId: number): void {
      const members = bySpace.get(spaceId);
      const entry = members?.get(timiteId);
      if (members === undefined || entry === undefined) return;
      entry.subscriptions -= 1;
      if (entry.subscriptions > 0) return;
      members.delete(timiteId);
      if (members.size === 0) bySpace.delete(spaceId);
      publish(spaceId, { type: 'presence', spaceId, timite: entry.timite, state: 'offline' });
    },

    online(spaceId: SpaceId): Timite[] {
      return [...(bySpace.get(spaceId)?.values() ?? [])].map((entry) => entry.timite);
    },

    /** Number of (space, timite) entries: 0 when nobody is subscribed anywhere. */
    entryCount(): number {
      let count = 0;
      for (const members of bySpace.values()) count += members.size;
      return count;
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
