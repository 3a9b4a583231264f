import type { EphemeralEvent, SpaceId, Timite } from '@tim/protocol';
import {
  createLocalPresenceDirectory,
  type HeldPresence,
  type PresenceDecision,
  type PresenceDirectory,
} from './presence-directory';

export interface PresenceOptions {
  /** Publishes an online/offline event; called only when a timite's state changes. */
  publish: (spaceId: SpaceId, event: EphemeralEvent) => void;
  /** Other processes' view; the default knows only this one. */
  directory?: PresenceDirectory;
  /** The directory failed; the event is published anyway (a duplicate beats a missing one). */
  onError?: (err: unknown) => void;
  /**
   * Arrivals and departures in a space with more memberships than this on all processes (as
   * the directory counts them) are not announced: a join storm would cost N² frames; clients
   * of such spaces read GET /presence. The hub bounds each process's fan-out the same way.
   */
  maxAnnouncedMembers?: number;
}

/** Who is online in which space; see createPresence. */
export interface Presence {
  /** Counts one more subscription of the timite in the space; the first announces it online. */
  join(spaceId: SpaceId, timite: Timite): void;
  /** Counts one subscription less; the last announces the timite offline. */
  leave(spaceId: SpaceId, timiteId: number): void;
  /** Online in the space, on every process the directory knows; this process's alone if it fails. */
  online(spaceId: SpaceId): Promise<Timite[]>;
  /** Announces the changes no arrival or departure here told: see PresenceDirectory.sweep. */
  sweep(): Promise<void>;
  /**
   * Sweeps every `intervalMs`, never two at once, until the returned function is called;
   * `onSwept` after each that completed.
   */
  startSweeps(intervalMs: number, onSwept?: () => void): () => void;
  /** Number of (space, timite) entries on this process: 0 when nobody is subscribed here. */
  entryCount(): number;
}

/**
 * Who is online where: a timite is online in a space while it holds at least one
 * subscription there, from any number of connections (and, with a shared directory, on any
 * process). This process's subscriptions are counted here; the directory is asked only when a
 * timite's first arrives or last departs.
 */
export function createPresence({ publish, ...options }: PresenceOptions): Presence {
  const directory = options.directory ?? createLocalPresenceDirectory();
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(`presence directory: ${String(err)}`));
  const bySpace = new Map<SpaceId, Map<number, { timite: Timite; subscriptions: number }>>();

  const held = (): HeldPresence[] =>
    [...bySpace].flatMap(([spaceId, members]) => [...members.values()].map(({ timite }) => ({ spaceId, timite })));

  const sweep = async (): Promise<void> => {
    for (const { spaceId, timite, state } of await directory.sweep(held))
      publish(spaceId, { type: 'presence', spaceId, timite, state });
  };

  const maxAnnouncedMembers = options.maxAnnouncedMembers ?? Number.POSITIVE_INFINITY;
  const announce = (
    decided: Promise<PresenceDecision>,
    spaceId: SpaceId,
    timite: Timite,
    state: 'online' | 'offline',
  ): void => {
    decided
      .catch((err: unknown): PresenceDecision => {
        onError(err);
        return { changed: true };
      })
      .then(({ changed, members }) => {
        if (changed && (members === undefined || members <= maxAnnouncedMembers))
          publish(spaceId, { type: 'presence', spaceId, timite, state });
      })
      .catch(onError);
  };

  return {
    join(spaceId, timite) {
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
      announce(directory.arrived(spaceId, timite), spaceId, timite, 'online');
    },

    leave(spaceId, timiteId) {
      const members = bySpace.get(spaceId);
      const entry = members?.get(timiteId);
      if (members === undefined || entry === undefined) return;
      entry.subscriptions -= 1;
      if (entry.subscriptions > 0) return;
      members.delete(timiteId);
      if (members.size === 0) bySpace.delete(spaceId);
      announce(directory.departed(spaceId, entry.timite), spaceId, entry.timite, 'offline');
    },

    async online(spaceId) {
      const here = [...(bySpace.get(spaceId)?.values() ?? [])].map((entry) => entry.timite);
      try {
        return await directory.online(spaceId, here);
      } catch (err) {
        onError(err);
        return here;
      }
    },

    sweep,

    startSweeps(intervalMs, onSwept = () => undefined) {
      let sweeping = false;
      const timer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweep()
          .then(onSwept)
          .catch(onError)
          .finally(() => {
            sweeping = false;
          });
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    entryCount() {
      let count = 0;
      for (const members of bySpace.values()) count += members.size;
      return count;
    },
  };
}
