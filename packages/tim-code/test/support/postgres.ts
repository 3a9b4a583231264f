import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/**
 * The PostgreSQL the scale-out tests use: the machine's own (CI runs one on 127.0.0.1:5432
 * with trust authentication and a database `test`). These tests fail, never skip, without it.
 */
export const TEST_DATABASE_URL = process.env.TIM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own per test, so tests sharing one database never see each other. */
export function uniqueSchemaName(): string {
  return `tim_test_${randomBytes(6).toString('hex')}`;
}

/**
 * Runs `work` with the URL of a database of its own (for processes that use the default
 * schema), then runs `release` (stop what still connects) and drops the database.
 */
export async function withFreshDatabase(
  work: (url: string) => Promise<void>,
  release: () => Promise<void>,
): Promise<void> {
  const database = `tim_test_db_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  try {
    await work(url.toString());
  } finally {
    await release();
    await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
    await admin.end();
  }
}
