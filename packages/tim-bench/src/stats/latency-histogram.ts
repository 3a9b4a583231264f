/**
 * Latencies as a sparse histogram of 0.1 ms buckets, so the two subscriber workers can send
 * hundreds of thousands of samples to the harness as a few hundred pairs and be merged exactly
 * (to the bucket width).
 */

/** Bucket width in ms. */
export const LATENCY_BUCKET_MS = 0.1;

/** `[bucketIndex, count]` pairs; bucket i holds latencies in [i, i + 1) × LATENCY_BUCKET_MS. */
export type HistogramPairs = Array<[number, number]>;

export interface LatencyHistogram {
  record(latencyMs: number): void;
  merge(pairs: HistogramPairs, maxMs: number): void;
  readonly count: number;
  readonly maxMs: number;
  /** The p-th percentile (0–100) in ms, as the upper edge of its bucket; NaN when empty. */
  percentile(p: number): number;
  toPairs(): HistogramPairs;
}

export function createLatencyHistogram(): LatencyHistogram {
  const counts = new Map<number, number>();
  let count = 0;
  let maxMs = Number.NaN;

  const add = (bucket: number, n: number): void => {
    counts.set(bucket, (counts.get(bucket) ?? 0) + n);
    count += n;
  };

  return {
    record(latencyMs) {
      // Clocks of two processes on one host can disagree by a fraction of a ms: clamp at 0.
      const clamped = Math.max(0, latencyMs);
      add(Math.floor(clamped / LATENCY_BUCKET_MS), 1);
      if (!(clamped <= maxMs)) maxMs = clamped;
    },
    merge(pairs, otherMaxMs) {
      for (const [bucket, n] of pairs) add(bucket, n);
      if (Number.isFinite(otherMaxMs) && !(otherMaxMs <= maxMs)) maxMs = otherMaxMs;
    },
    get count() {
      return count;
    },
    get maxMs() {
      return maxMs;
    },
    percentile(p) {
      if (count === 0) return Number.NaN;
      const rank = Math.max(1, Math.ceil((p / 100) * count));
      const buckets = [...counts.keys()].sort((a, b) => a - b);
      let seen = 0;
      for (const bucket of buckets) {
        seen += counts.get(bucket) ?? 0;
        if (seen >= rank) return Math.min((bucket + 1) * LATENCY_BUCKET_MS, maxMs);
      }
      return maxMs;
    },
    toPairs() {
      return [...counts.entries()];
    },
  };
}
