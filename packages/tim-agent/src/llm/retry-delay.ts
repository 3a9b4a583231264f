/** Longest wait before a retry when the endpoint names one (`Retry-After`), in ms. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;

export interface RetryDelayOptions {
  /** 0 for the wait before the first retry. */
  retryIndex: number;
  /** Headers of the failed answer; absent after a network failure or a timeout. */
  headers?: Headers;
  /** Cap on a wait the endpoint asks for. */
  maxRetryAfterMs: number;
  /** @default Math.random */
  random?: () => number;
}

/**
 * The wait before a retry, in ms: what the endpoint asks for (`retry-after-ms`, else
 * `Retry-After` in seconds or as a date) but never more than `maxRetryAfterMs`; otherwise
 * exponential backoff from 0.5 s to 8 s with up to 25 % jitter, as the openai SDK does.
 */
export function retryDelayMs(options: RetryDelayOptions): number {
  const askedMs = readRetryAfterMs(options.headers);
  if (askedMs !== undefined) return Math.min(askedMs, options.maxRetryAfterMs);
  const backoffMs = Math.min(FIRST_BACKOFF_MS * 2 ** options.retryIndex, MAX_BACKOFF_MS);
  const jitter = 1 - (options.random ?? Math.random)() * 0.25;
  return Math.min(backoffMs * jitter, options.maxRetryAfterMs);
}

function readRetryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = headers?.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const dateMs = Date.parse(retryAfter);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - Date.now());
}
