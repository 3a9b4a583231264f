import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import { TimError } from '../../domain/tim-error';
import type { Metrics } from '../../metrics';
import type { RateLimit } from '../../rate-limit/rate-limits';

/** The client's address: the peer, or with `trust proxy` the first untrusted X-Forwarded-For hop. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Spends one point of each (limit, key) pair, in order, and answers 429 `rate_limited` with
 * `Retry-After` (whole seconds) at the first that is spent. Nothing after it is consumed.
 */
export async function enforceRateLimits(
  { res, metrics }: { res: Pick<ServerResponse, 'setHeader'>; metrics: Metrics },
  checks: Array<[RateLimit, string]>,
): Promise<void> {
  for (const [limit, key] of checks) {
    const decision = await limit.consume(key);
    if (decision.allowed) continue;
    metrics.rateLimited.inc({ limit: limit.name });
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new TimError('rate_limited', `Too many requests; try again in ${decision.retryAfterSeconds} s.`, {
      details: { retryAfterSeconds: decision.retryAfterSeconds },
    });
  }
}
