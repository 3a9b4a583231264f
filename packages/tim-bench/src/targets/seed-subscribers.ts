import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { createSqliteStorage, seedHumans } from '@tim/code';
import { z } from 'zod';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The two exports of the measured tim-code build that seeding needs. */
const SeedingModule = z.object({
  createSqliteStorage: z.custom<typeof createSqliteStorage>(isFunction),
  seedHumans: z.custom<typeof seedHumans>(isFunction),
});

/** Long past any run: the seeded keys must not expire mid-bench. */
const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One timite per subscriber, written straight into the running server's SQLite file through
 * the measured build's own storage: 5000 registrations over HTTP would cost 5000 scrypt hashes
 * (minutes), seeding costs one. The server reads a key it has not cached from the database,
 * and WAL lets this second connection write while it runs.
 */
export async function seedSubscriberKeys(options: { codeDir: string; dataDir: string; count: number }): Promise<string[]> {
  const modulePath = join(options.codeDir, 'dist', 'index.js');
  const loaded = SeedingModule.safeParse(createRequire(modulePath)(modulePath));
  if (!loaded.success) {
    throw new Error(`the tim-code build in ${options.codeDir} does not export createSqliteStorage and seedHumans; bench it with the bench of its own commit`);
  }
  const storage = loaded.data.createSqliteStorage({ file: join(options.dataDir, 'tim.db') });
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
