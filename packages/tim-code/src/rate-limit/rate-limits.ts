import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, Rate } from '../config';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One limit: every call to `consume` spends a point of `key`'s budget for the window. */
export interface RateLimit {
  /** Names the limit in metrics: `messages`, `login-nick`, `login-address`, `register-address`, `spaces`, …. */
  readonly name: string;
  consume(key: string): Promise<RateDecision>;
}

/** Creates the limit for one named rate; the seam where a shared store (Redis) plugs in. */
export type RateLimitFactory = (name: string, rate: Rate) => RateLimit;

/** Every limit the server enforces, each counted per its own key. */
export interface RateLimits {
  /** Keyed by timite id: one timite's budget never touches another's. */
  messages: RateLimit;
  /** Keyed by lowercased nick: guessing one account's password. */
  loginPerNick: RateLimit;
  /** Keyed by client address: one client spraying many nicks. */
  loginPerAddress: RateLimit;
  /** Keyed by client address. */
  registerPerAddress: RateLimit;
  /** Keyed by timite id: WebSocket activity frames, each fanned out to a whole space. */
  activity: RateLimit;
  /** Keyed by timite id: appends to streaming messages. */
  streamAppends: RateLimit;
  /** Keyed by timite id: spaces created. */
  spaces: RateLimit;
  /** Keyed by timite id: edits, deletes and reactions, together. */
  changes: RateLimit;
  /** Keyed by timite id: searches. */
  search: RateLimit;
  /** Keyed by timite id: ability calls made. */
  calls: RateLimit;
}

/**
 * Wraps any rate-limiter-flexible limiter. Memory today; `RateLimiterRedis` (same options
 * plus `storeClient`) is the drop-in for several processes sharing one budget.
 */
export function fromRateLimiter(name: string, limiter: RateLimiterAbstract): RateLimit {
  return {
    name,
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (err) {
        // The library rejects with a RateLimiterRes when the budget is spent and with an
        // Error when its store fails; the latter is not a refusal and goes up as a failure.
        if (!(err instanceof RateLimiterRes)) throw err;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
    },
  };
}

export const createMemoryRateLimit: RateLimitFactory = (name, rate) =>
  fromRateLimiter(
    name,
    new RateLimiterMemory({ keyPrefix: name, points: rate.points, duration: rate.durationSeconds }),
  );

export function createRateLimits(
  config: Pick<
    Config,
    | 'rateMessages'
    | 'rateLogin'
    | 'rateRegister'
    | 'rateActivity'
    | 'rateStreamAppends'
    | 'rateSpaces'
    | 'rateChanges'
    | 'rateSearch'
    | 'rateCalls'
  >,
  createLimit: RateLimitFactory = createMemoryRateLimit,
): RateLimits {
  return {
    messages: createLimit('messages', config.rateMessages),
    loginPerNick: createLimit('login-nick', config.rateLogin),
    loginPerAddress: createLimit('login-address', config.rateLogin),
    registerPerAddress: createLimit('register-address', config.rateRegister),
    activity: createLimit('activity', config.rateActivity),
    streamAppends: createLimit('stream-appends', config.rateStreamAppends),
    spaces: createLimit('spaces', config.rateSpaces),
    changes: createLimit('changes', config.rateChanges),
    search: createLimit('search', config.rateSearch),
    calls: createLimit('calls', config.rateCalls),
  };
}
