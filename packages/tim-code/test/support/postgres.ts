import { randomBytes } from 'node:crypto';

/**
 * The PostgreSQL the scale-out tests use: the machine's own (CI runs one on 127.0.0.1:5432
 * with trust authentication and a database `test`). These tests fail, never skip, without it.
 */
export const TEST_DATABASE_URL = process.env.TIM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own per test, so tests sharing one database never see each other. */
export function uniqueSchemaName(): string {
  return `tim_test_${randomBytes(6).toString('hex')}`;
}
