import type { Timite } from '@tim/protocol';
import type { Storage } from '../storage/storage';
import { hashPassword } from './passwords';
import { createSessions } from './sessions';
import { TimError } from './tim-error';

export interface SeedHumansOptions {
  nicks: string[];
  /** Every seeded human's password; it is hashed once and the hash is shared. */
  password: string;
  /** Session lifetime in ms. */
  sessionTtlMs: number;
  now: Date;
}

export interface SeededHuman {
  timite: Timite;
  /** A live session key, as registration would have answered. */
  key: string;
}

/**
 * Creates humans with a session each, straight in storage: for load tests that need thousands
 * of timites, where registering each over HTTP would spend minutes in scrypt. Each human can
 * log in with `password` and authenticate with its key like any registered one.
 */
export async function seedHumans(storage: Storage, options: SeedHumansOptions): Promise<SeededHuman[]> {
  const passwordHash = await hashPassword(options.password);
  const sessions = createSessions({ storage, ttlMs: options.sessionTtlMs, now: () => options.now });
  const seeded: SeededHuman[] = [];
  for (const nick of options.nicks) {
    const result = await storage.createTimite({ nick, kind: 'human', passwordHash });
    if (!result.created) throw new TimError('conflict', `The nick "${nick}" is taken.`);
    seeded.push({ timite: result.timite, key: (await sessions.start(result.timite.id)).key });
  }
  return seeded;
}
