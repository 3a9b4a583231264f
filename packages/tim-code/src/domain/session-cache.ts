import type { Timite } from '@tim/protocol';

/** What a cached session answers with: the timite, and when the key stops working (ms since the epoch). */
export interface CachedSession {
  timite: Timite;
  /** null for agent tokens, which live until revoked. */
  expiresAtMs: number | null;
}

/** Sessions by key hash, bounded, evicted on revocation: see createSessionCache. */
export interface SessionCache {
  /** The cached answer, unless absent or past its expiry (then dropped). */
  get(keyHash: string, nowMs: number): CachedSession | undefined;
  /** Caches an answer read from the store, unless an eviction happened since `readAtGeneration`. */
  set(keyHash: string, entry: CachedSession, readAtGeneration: number): void;
  evictKey(keyHash: string): void;
  evictTimite(timiteId: number): void;
  /** Evictions so far: read it before asking the store, hand it to `set`. */
  readonly generation: number;
  readonly size: number;
}

/**
 * Sessions by key hash, least recently used evicted first once `maxEntries` are held. A hit
 * past its expiry is dropped and missed. Revocations evict by key or by timite; `generation`
 * counts them, so a caller that read the store before an eviction can tell that its answer
 * may be stale and must not be cached.
 */
export function createSessionCache(options: { maxEntries: number }): SessionCache {
  const entries = new Map<string, CachedSession>();
  let generation = 0;

  return {
    get(keyHash, nowMs) {
      const entry = entries.get(keyHash);
      if (entry === undefined) return undefined;
      entries.delete(keyHash);
      if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) return undefined;
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      entries.set(keyHash, entry);
      return entry;
    },

    set(keyHash, entry, readAtGeneration) {
      if (readAtGeneration !== generation || options.maxEntries <= 0) return;
      entries.delete(keyHash);
      entries.set(keyHash, entry);
      if (entries.size > options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },

    evictKey(keyHash) {
      generation += 1;
      entries.delete(keyHash);
    },

    evictTimite(timiteId) {
      generation += 1;
      for (const [keyHash, entry] of entries) if (entry.timite.id === timiteId) entries.delete(keyHash);
    },

    get generation() {
      return generation;
    },

    get size() {
      return entries.size;
    },
  };
}
