import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis';
import { createMemoryRateLimit, createRateLimits, type RateLimitFactory } from './rate-limits';
import { createRedisRateLimitFactory } from './redis-rate-limit';

const rates = {
  rateMessages: { points: 2, durationSeconds: 10 },
  rateLogin: { points: 1, durationSeconds: 60 },
  rateRegister: { points: 1, durationSeconds: 3600 },
  rateActivity: { points: 1, durationSeconds: 10 },
  rateStreamAppends: { points: 1, durationSeconds: 10 },
  rateSpaces: { points: 1, durationSeconds: 3600 },
  rateChanges: { points: 1, durationSeconds: 10 },
  rateSearch: { points: 1, durationSeconds: 60 },
  rateCalls: { points: 1, durationSeconds: 60 },
};

/** Connected before use: a limiter whose Redis is not ready counts in memory instead. */
async function connectedRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
  return client;
}

let redis: Redis;
beforeAll(async () => {
  redis = await connectedRedis();
});
afterAll(async () => {
  await redis.quit();
});

/** Every store passes the same cases; each call gives a fresh budget (its own key prefix in Redis). */
const stores: Array<[string, () => RateLimitFactory]> = [
  ['memory', () => createMemoryRateLimit],
  ['redis', () => createRedisRateLimitFactory(redis, { keyPrefix: uniqueRedisPrefix() })],
];

describe.each(stores)('createRateLimits with the %s store', (_, makeFactory) => {
  it('refuses the point past the budget with a whole-second wait within the window', async () => {
    const { messages } = createRateLimits(rates, makeFactory());
    expect(await messages.consume('1')).toEqual({ allowed: true });
    expect(await messages.consume('1')).toEqual({ allowed: true });
    const refused = await messages.consume('1');
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(Number.isInteger(refused.retryAfterSeconds)).toBe(true);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(10);
  });

  it('keeps each key on its own budget', async () => {
    const { messages } = createRateLimits(rates, makeFactory());
    await messages.consume('1');
    await messages.consume('1');
    expect((await messages.consume('1')).allowed).toBe(false);
    expect(await messages.consume('2')).toEqual({ allowed: true });
  });

  it('keeps each limit apart even when keys coincide', async () => {
    const limits = createRateLimits(rates, makeFactory());
    expect(await limits.loginPerNick.consume('127.0.0.1')).toEqual({ allowed: true });
    expect(await limits.loginPerAddress.consume('127.0.0.1')).toEqual({ allowed: true });
    expect(await limits.registerPerAddress.consume('127.0.0.1')).toEqual({ allowed: true });
    expect((await limits.loginPerAddress.consume('127.0.0.1')).allowed).toBe(false);
  });
});

describe('createRedisRateLimitFactory', () => {
  it('gives two processes one budget per key', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const other = await connectedRedis();
    try {
      const here = createRateLimits(rates, createRedisRateLimitFactory(redis, { keyPrefix }));
      const there = createRateLimits(rates, createRedisRateLimitFactory(other, { keyPrefix }));
      expect(await here.messages.consume('7')).toEqual({ allowed: true });
      expect(await there.messages.consume('7')).toEqual({ allowed: true });
      expect((await here.messages.consume('7')).allowed).toBe(false);
      expect((await there.messages.consume('7')).allowed).toBe(false);
      // Counted in Redis, not in either process's memory.
      expect(await redis.keys(`${keyPrefix}*`)).not.toHaveLength(0);
    } finally {
      await other.quit();
    }
  });

  it('counts in memory while Redis cannot be reached: limits hold and nothing fails', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    unreachable.on('error', () => undefined);
    const { messages } = createRateLimits(rates, createRedisRateLimitFactory(unreachable));
    expect(await messages.consume('1')).toEqual({ allowed: true });
    expect(await messages.consume('1')).toEqual({ allowed: true });
    expect((await messages.consume('1')).allowed).toBe(false);
    unreachable.disconnect();
  });
});
