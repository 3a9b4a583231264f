import type { Ability, AbilitiesEvent, SpaceId, Timite, TimiteAbilities } from '@tim/protocol';
import {
  createLocalAbilitiesDirectory,
  type AbilitiesDecision,
  type AbilitiesDirectory,
  type HeldDeclaration,
} from './abilities-directory';

export interface AbilitiesRegistryOptions {
  /** Publishes an `abilities` event to the space; called only when a timite's visible set changed. */
  publish: (spaceId: SpaceId, event: AbilitiesEvent) => void;
  /** Other processes' declarations; the default knows only this one. */
  directory?: AbilitiesDirectory;
  /** A withdrawal or sweep failed in the background. */
  onError?: (err: unknown) => void;
}

/** Who can do what in which space; see createAbilitiesRegistry. */
export interface AbilitiesRegistry {
  /**
   * Replaces the connection's declaration in the space; [] withdraws it. Resolves once the
   * directory recorded it; rejects when it could not (the connection may declare again).
   */
  declare(connectionId: string, spaceId: SpaceId, timite: Timite, abilities: Ability[]): Promise<void>;
  /** The connection ended: each of its declarations goes. Later declarations of it are ignored. */
  release(connectionId: string): void;
  /** The timite and its visible abilities in the space; undefined when it has none there. */
  find(spaceId: SpaceId, timiteId: number): Promise<TimiteAbilities | undefined>;
  /** Every timite with abilities in the space. */
  list(spaceId: SpaceId): Promise<TimiteAbilities[]>;
  /** Announces the changes no declaration here told: see AbilitiesDirectory.sweep. */
  sweep(): Promise<void>;
  /** Sweeps every `intervalMs`, never two at once, until the returned function is called. */
  startSweeps(intervalMs: number): () => void;
  /** Declarations (connection, space) held by this process: 0 when nobody declared here. */
  entryCount(): number;
}

interface ConnectionDeclarations {
  /** The connection's operations run one after another, so a release comes after its declarations. */
  chain: Promise<void>;
  released: boolean;
  bySpace: Map<SpaceId, { timite: Timite; abilities: Ability[] }>;
}

/**
 * Declarations live as long as their connection: this process records its connections'
 * declarations here and asks the directory (one process, or every process through Redis)
 * what each one does to the timite's visible set, publishing an `abilities` event to the
 * space when it changed.
 */
export function createAbilitiesRegistry({ publish, ...options }: AbilitiesRegistryOptions): AbilitiesRegistry {
  const directory = options.directory ?? createLocalAbilitiesDirectory();
  const onError = options.onError ?? ((err: unknown) => process.emitWarning(`abilities directory: ${String(err)}`));
  const connections = new Map<string, ConnectionDeclarations>();

  const announce = (spaceId: SpaceId, timite: Timite, decision: AbilitiesDecision): void => {
    if (decision.changed) publish(spaceId, { type: 'abilities', spaceId, timite, abilities: decision.abilities });
  };

  const held = (): HeldDeclaration[] =>
    [...connections].flatMap(([connectionId, { bySpace }]) =>
      [...bySpace].map(([spaceId, { timite, abilities }]) => ({ spaceId, timite, connectionId, abilities })),
    );

  function enqueue(entry: ConnectionDeclarations, operation: () => Promise<void>): Promise<void> {
    const done = entry.chain.then(operation);
    entry.chain = done.catch(() => undefined);
    return done;
  }

  async function withdraw(connectionId: string, spaceId: SpaceId, timite: Timite): Promise<void> {
    announce(spaceId, timite, await directory.withdraw({ spaceId, timite, connectionId }));
  }

  const sweep = async (): Promise<void> => {
    for (const { spaceId, timite, abilities } of await directory.sweep(held)) {
      publish(spaceId, { type: 'abilities', spaceId, timite, abilities });
    }
  };

  return {
    declare(connectionId, spaceId, timite, abilities) {
      let entry = connections.get(connectionId);
      if (entry === undefined) {
        entry = { chain: Promise.resolve(), released: false, bySpace: new Map() };
        connections.set(connectionId, entry);
      }
      const declarations = entry;
      return enqueue(declarations, async () => {
        if (declarations.released) return;
        if (abilities.length === 0) {
          if (!declarations.bySpace.delete(spaceId)) return;
          await withdraw(connectionId, spaceId, timite);
          return;
        }
        // Held before the directory answers, so that a release withdraws it whatever happened.
        declarations.bySpace.set(spaceId, { timite, abilities });
        announce(spaceId, timite, await directory.declare({ spaceId, timite, connectionId, abilities }));
      });
    },

    release(connectionId) {
      const entry = connections.get(connectionId);
      if (entry === undefined || entry.released) return;
      entry.released = true;
      enqueue(entry, async () => {
        for (const [spaceId, { timite }] of entry.bySpace) {
          await withdraw(connectionId, spaceId, timite).catch(onError);
        }
        entry.bySpace.clear();
        connections.delete(connectionId);
      }).catch(onError);
    },

    find: (spaceId, timiteId) => directory.find(spaceId, timiteId),
    list: (spaceId) => directory.list(spaceId),
    sweep,

    startSweeps(intervalMs) {
      let sweeping = false;
      const timer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweep()
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
      for (const { bySpace } of connections.values()) count += bySpace.size;
      return count;
    },
  };
}
