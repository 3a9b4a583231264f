/** Bounds of the reconnect delay, in ms. */
export interface BackoffOptions {
  /** Cap of the first delay, in ms. @default 250 */
  minMs: number;
  /** Largest cap, in ms. @default 15000 */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 250, maxMs: 15_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first), in ms: exponential backoff with
 * full jitter, a uniform draw from [0, min(maxMs, minMs · 2^attempt)). Full jitter spreads the
 * clients a server restart disconnected at once, so they do not all come back together.
 */
export function backoffDelay(
  attempt: number,
  { minMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const capMs = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * capMs);
}
