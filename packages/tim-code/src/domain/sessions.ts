import { createHash, randomBytes } from 'node:crypto';
import type { Session, Timite } from '@tim/protocol';
import type { Storage } from '../storage/storage';

/** 256 bits: far past the protocol's 128-bit floor. */
const KEY_BYTES = 32;

/** A fresh secret: random bytes, base64url, no structure shared with any other key. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/** Only this hash is stored; a leaked database does not yield usable keys. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

export interface SessionsOptions {
  storage: Storage;
  /** Session lifetime in ms. */
  ttlMs: number;
  now: () => Date;
}

export interface Authenticated {
  timite: Timite;
  keyHash: string;
}

export interface Sessions {
  /** Creates a session for a human; the key is in the answer and nowhere else. */
  start(timiteId: number): Promise<Session>;
  /** The timite behind a live session key or agent token, or undefined. */
  authenticate(key: string): Promise<Authenticated | undefined>;
  end(keyHash: string): Promise<void>;
  /** Deletes expired sessions every `intervalMs`; returns a function that stops it. */
  startCleanup(intervalMs: number, onError: (err: unknown) => void): () => void;
}

export function createSessions({ storage, ttlMs, now }: SessionsOptions): Sessions {
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
      const record = await storage.findSession(keyHash, now());
      return record === undefined ? undefined : { timite: record.timite, keyHash };
    },

    async end(keyHash) {
      await storage.deleteSession(keyHash, now());
    },

    startCleanup(intervalMs, onError) {
      const timer = setInterval(() => {
        storage.deleteExpiredSessions(now()).catch(onError);
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
