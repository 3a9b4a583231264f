import type { Redis } from 'ioredis';

/**
 * The update ids of the reference servers: 1, 2, 3, … per space, as tim assigns them, so the
 * subscribers check every target's stream the same way.
 */
export interface SpaceSequences {
  /** Takes the space's next id. */
  next(spaceId: string): Promise<number>;
  /** The last id taken, 0 before the first. */
  head(spaceId: string): Promise<number>;
}

/** One process: a counter per space in memory. */
export function createLocalSequences(): SpaceSequences {
  const heads = new Map<string, number>();
  return {
    async next(spaceId) {
      const updateId = (heads.get(spaceId) ?? 0) + 1;
      heads.set(spaceId, updateId);
      return updateId;
    },
    async head(spaceId) {
      return heads.get(spaceId) ?? 0;
    },
  };
}

/**
 * Several processes: one counter per space in Redis (INCR), shared by every process that
 * publishes into the space, as a Socket.IO chat would need to number its messages.
 */
export function createRedisSequences(client: Redis): SpaceSequences {
  const key = (spaceId: string) => `bench:head:${spaceId}`;
  return {
    next: (spaceId) => client.incr(key(spaceId)),
    async head(spaceId) {
      return Number((await client.get(key(spaceId))) ?? 0);
    },
  };
}
