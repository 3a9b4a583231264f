/** How often a lasting problem is retried and warned about: after `firstMs`, doubling up to `maxMs`. */
export interface WarningBackoff {
  /** Wait before the second warning (or retry), in ms. @default 2000 */
  firstMs: number;
  /** Longest wait between two warnings (or retries), in ms. @default 300000 */
  maxMs: number;
}

export const DEFAULT_WARNING_BACKOFF: WarningBackoff = { firstMs: 2000, maxMs: 300_000 };

/** The wait after the `count`-th warning (1 for the first), in ms: firstMs, 2·firstMs, 4·firstMs, … up to maxMs. */
export function warningDelayMs(count: number, { firstMs, maxMs }: WarningBackoff): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, count - 1));
}
