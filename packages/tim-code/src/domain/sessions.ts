import { hash, randomBytes } from 'node:crypto';
import type { Session, Timite } from '@tim/protocol';
import type { Revocation, Storage } from '../storage/storage';
import { followRevocations, type RevocationFollower } from './revocation-follower';
import { createSessionCache, type SessionCache } from './session-cache';

/** 256 bits: far past the protocol's 128-bit floor. */
const KEY_BYTES = 32;

/** Revocations are kept this long for followers to read, then pruned with expired sessions. */
export const REVOCATION_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A fresh secret: random bytes, base64url, no structure shared with any other key. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** Only this hash is stored; a leaked database does not yield usable keys. Runs on every authenticated request. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'base64url');
}

export interface SessionsOptions {
  storage: Storage;
  /** Session lifetime in ms. */
  ttlMs: number;
  now: () => Date;
  /** Sessions kept in memory while revocations are followed; 0 turns the cache off. @default 10000 */
  cacheSize?: number;
}

export interface Authenticated {
  timite: Timite;
  keyHash: string;
  /** When the key stops working, in ms since the epoch; null for agent tokens, which live until revoked. */
  expiresAtMs: number | null;
}

export interface FollowRevocationsOptions {
  /** How often the storage's revocation feed is read, in ms. */
  intervalMs: number;
  /** Told about each revocation after the cache has dropped what it names, e.g. to close sockets. */
  onRevoked: (revocation: Revocation) => void;
  onError: (err: unknown) => void;
}

export interface Sessions {
  /** Creates a session for a human; the key is in the answer and nowhere else. */
  start(timiteId: number): Promise<Session>;
  /** The timite behind a live session key or agent token, or undefined. */
  authenticate(key: string): Promise<Authenticated | undefined>;
  /** Logout: the key stops working here at once and, through the revocation feed, everywhere. */
  end(keyHash: string): Promise<void>;
  /**
   * Deletes expired sessions and revocations older than a day every `intervalMs`; returns a
   * function that stops it.
   */
  startCleanup(intervalMs: number, onError: (err: unknown) => void): () => void;
  /**
   * Follows the revocation feed and, while it does, caches sessions: a key revoked by any
   * process on the same database stops working here within `intervalMs`.
   */
  followRevocations(options: FollowRevocationsOptions): Promise<RevocationFollower>;
}

export function createSessions({ storage, ttlMs, now, cacheSize = 10_000 }: SessionsOptions): Sessions {
  /** Only while revocations are followed: without the feed a cached key could outlive its logout. */
  let cache: SessionCache | undefined;

  return {
    async start(timiteId) {
      const key = generateKey();
      const createdAt = now();
      const expiresAt = new Date(createdAt.getTime() + ttlMs);
      await storage.createSession({ keyHash: hashKey(key), timiteId, createdAt, expiresAt });
      return { key, timiteId, createdAt: createdAt.toISOString(), expiresAt: expiresAt.toISOString() };
    },

    async authenticate(key) {
      const keyHash = hashKey(key);
      const at = now();
      const cached = cache?.get(keyHash, at.getTime());
      if (cached !== undefined) return { timite: cached.timite, keyHash, expiresAtMs: cached.expiresAtMs };
      const generation = cache?.generation ?? 0;
      const record = await storage.findSession(keyHash, at);
      if (record === undefined) return undefined;
      const expiresAtMs = record.expiresAt?.getTime() ?? null;
      cache?.set(keyHash, { timite: record.timite, expiresAtMs }, generation);
      return { timite: record.timite, keyHash, expiresAtMs };
    },

    async end(keyHash) {
      await storage.deleteSession(keyHash, now());
      cache?.evictKey(keyHash);
    },

    startCleanup(intervalMs, onError) {
      const timer = setInterval(() => {
        const at = now();
        storage.deleteExpiredSessions(at).catch(onError);
        storage.pruneRevocations(new Date(at.getTime() - REVOCATION_RETENTION_MS)).catch(onError);
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    async followRevocations({ intervalMs, onRevoked, onError }) {
      const following = cacheSize > 0 ? createSessionCache({ maxEntries: cacheSize }) : undefined;
      const follower = await followRevocations({
        storage,
        intervalMs,
        onRevoked: (revocation) => {
          if (revocation.kind === 'session') following?.evictKey(revocation.keyHash);
          else following?.evictTimite(revocation.timiteId);
          onRevoked(revocation);
        },
        onError,
      });
      cache = following;
      return {
        poll: follower.poll,
        stop() {
          follower.stop();
          if (cache === following) cache = undefined;
        },
      };
    },
  };
}
