import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { fromRateLimiter, type RateLimitFactory } from './rate-limits';

/**
 * Limits counted in Redis, so that several tim-code processes share one budget per key
 * instead of each granting it again. While Redis is not reachable each process counts in its
 * own memory (the library's insurance limiter): limits stay in force, requests do not fail.
 */
export function createRedisRateLimitFactory(client: Redis, options: { keyPrefix?: string } = {}): RateLimitFactory {
  const prefix = options.keyPrefix ?? 'tim:rate:';
  return (name, rate) =>
    fromRateLimiter(
      name,
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: prefix + name,
        points: rate.points,
        duration: rate.durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({
          keyPrefix: name,
          points: rate.points,
          duration: rate.durationSeconds,
        }),
      }),
    );
}
