import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { createPostgresStorage, createSqliteStorage, seedHumans, Storage } from '@tim/code';
import { z } from 'zod';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The exports of the measured tim-code build that seeding needs (PostgreSQL: newer builds only). */
const SeedingModule = z.object({
  createSqliteStorage: z.custom<typeof createSqliteStorage>(isFunction),
  createPostgresStorage: z.custom<typeof createPostgresStorage>(isFunction).optional(),
  seedHumans: z.custom<typeof seedHumans>(isFunction),
});

/** Long past any run: the seeded keys must not expire mid-bench. */
const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/** Where the running server keeps its data: its SQLite data dir, or a PostgreSQL database. */
export type SeedStore = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string };

/**
 * One timite per subscriber, written straight into the running server's storage through the
 * measured build's own storage code: 5000 registrations over HTTP would cost 5000 scrypt
 * hashes (minutes), seeding costs one. The server reads a key it has not cached from the
 * database; SQLite's WAL lets this second connection write while it runs.
 */
export async function seedSubscriberKeys(options: {
  codeDir: string;
  store: SeedStore;
  count: number;
}): Promise<string[]> {
  const modulePath = join(options.codeDir, 'dist', 'index.js');
  const loaded = SeedingModule.safeParse(createRequire(modulePath)(modulePath));
  if (!loaded.success) {
    throw new Error(
      `the tim-code build in ${options.codeDir} does not export createSqliteStorage and seedHumans; bench it with the bench of its own commit`,
    );
  }
  const storage = await openStore(loaded.data, options.store);
  try {
    const seeded = await loaded.data.seedHumans(storage, {
      nicks: Array.from({ length: options.count }, (_, index) => `bench-sub-${index}`),
      password: 'bench-subscriber-password',
      sessionTtlMs: SESSION_TTL_MS,
      now: new Date(),
    });
    return seeded.map(({ key }) => key);
  } finally {
    await storage.close();
  }
}

async function openStore(module: z.infer<typeof SeedingModule>, store: SeedStore): Promise<Storage> {
  if (store.kind === 'sqlite') return module.createSqliteStorage({ file: join(store.dataDir, 'tim.db') });
  if (module.createPostgresStorage === undefined) throw new Error('this tim-code build has no PostgreSQL storage');
  return module.createPostgresStorage({ connectionString: store.url, maxConnections: 1 });
}
