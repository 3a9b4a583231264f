import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis the scale-out tests use: the machine's own (CI runs one on 127.0.0.1:6379).
 * These tests fail, never skip, when it is not there.
 */
export const TEST_REDIS_URL = process.env.TIM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key and channel prefix of its own per test, so tests sharing one Redis never see each other. */
export function uniqueRedisPrefix(): string {
  return `tim-test:${randomBytes(6).toString('hex')}:`;
}

/** A client of the test Redis, connected; the caller quits it. */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
  return client;
}
