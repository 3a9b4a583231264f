import type { Ability, SpaceId, Timite, TimiteAbilities } from '@tim/protocol';

/** One connection's declaration in one space, as this process holds it. */
export interface HeldDeclaration {
  spaceId: SpaceId;
  timite: Timite;
  /** Unique among this process's connections. */
  connectionId: string;
  /** Never empty: an empty declaration is a withdrawal. */
  abilities: Ability[];
}

/** What a declaration or withdrawal did to the timite's visible abilities in the space. */
export interface AbilitiesDecision {
  /** The visible set changed: worth an `abilities` event. */
  changed: boolean;
  /** The visible set after: the newest declaration among the timite's live connections; [] for none. */
  abilities: Ability[];
}

/** A change of a timite's visible set that no declaration here decided: a crashed process's went away. */
export interface AbilitiesChange {
  spaceId: SpaceId;
  timite: Timite;
  abilities: Ability[];
}

/**
 * Every process's declarations. A timite's visible abilities in a space are its newest
 * declaration there among its live connections (on any process); each call decides, in one
 * step, whether it changed them, so an `abilities` event goes out once per real change.
 */
export interface AbilitiesDirectory {
  /** Replaces the connection's declaration in the space (`abilities` not empty). */
  declare(held: HeldDeclaration): Promise<AbilitiesDecision>;
  /** The connection's declaration in the space goes; an older one of the timite's may show again. */
  withdraw(held: Omit<HeldDeclaration, 'abilities'>): Promise<AbilitiesDecision>;
  /** The timite and its visible abilities in the space; undefined when it has none there. */
  find(spaceId: SpaceId, timiteId: number): Promise<TimiteAbilities | undefined>;
  /** Every timite with abilities in the space, by timite id. */
  list(spaceId: SpaceId): Promise<TimiteAbilities[]>;
  /**
   * Settles what no declaration told: takes over the declarations of processes that stopped
   * renewing their liveness (crashed); restores this process's own (`held`) if it was itself
   * taken for gone, and withdraws those of its own that `held` no longer has (a withdrawal
   * that failed). Each change is returned to exactly one caller.
   */
  sweep(held: () => HeldDeclaration[]): Promise<AbilitiesChange[]>;
  close(): Promise<void>;
}

interface Declaration {
  seq: number;
  /** `abilities` as JSON: what visible sets are compared by. */
  json: string;
  abilities: Ability[];
}

interface TimiteDeclarations {
  timite: Timite;
  byConnection: Map<string, Declaration>;
}

/** The timite's newest declaration: its visible abilities. */
function visibleOf(entry: TimiteDeclarations | undefined): Declaration | undefined {
  let newest: Declaration | undefined;
  for (const declaration of entry?.byConnection.values() ?? []) {
    if (newest === undefined || declaration.seq > newest.seq) newest = declaration;
  }
  return newest;
}

/** One process: its declarations are all there are. */
export function createLocalAbilitiesDirectory(): AbilitiesDirectory {
  const bySpace = new Map<SpaceId, Map<number, TimiteDeclarations>>();
  let seq = 0;

  function decide(before: Declaration | undefined, entry: TimiteDeclarations | undefined): AbilitiesDecision {
    const after = visibleOf(entry);
    return { changed: (before?.json ?? '') !== (after?.json ?? ''), abilities: after?.abilities ?? [] };
  }

  return {
    async declare({ spaceId, timite, connectionId, abilities }) {
      let timites = bySpace.get(spaceId);
      if (timites === undefined) {
        timites = new Map();
        bySpace.set(spaceId, timites);
      }
      let entry = timites.get(timite.id);
      if (entry === undefined) {
        entry = { timite, byConnection: new Map() };
        timites.set(timite.id, entry);
      }
      const before = visibleOf(entry);
      seq += 1;
      entry.timite = timite;
      entry.byConnection.set(connectionId, { seq, json: JSON.stringify(abilities), abilities });
      return decide(before, entry);
    },

    async withdraw({ spaceId, timite, connectionId }) {
      const timites = bySpace.get(spaceId);
      const entry = timites?.get(timite.id);
      if (timites === undefined || entry === undefined) return { changed: false, abilities: [] };
      const before = visibleOf(entry);
      entry.byConnection.delete(connectionId);
      if (entry.byConnection.size === 0) timites.delete(timite.id);
      if (timites.size === 0) bySpace.delete(spaceId);
      return decide(before, entry);
    },

    async find(spaceId, timiteId) {
      const entry = bySpace.get(spaceId)?.get(timiteId);
      const visible = visibleOf(entry);
      return entry === undefined || visible === undefined
        ? undefined
        : { timite: entry.timite, abilities: visible.abilities };
    },

    async list(spaceId) {
      const listed: TimiteAbilities[] = [];
      for (const entry of bySpace.get(spaceId)?.values() ?? []) {
        const visible = visibleOf(entry);
        if (visible !== undefined) listed.push({ timite: entry.timite, abilities: visible.abilities });
      }
      return listed.sort((a, b) => a.timite.id - b.timite.id);
    },

    sweep: async () => [],
    close: async () => undefined,
  };
}
