/**
 * Latencies as a histogram of 0.1 ms buckets, sent as sparse pairs, so the two subscriber
 * workers can send hundreds of thousands of samples to the harness as a few hundred pairs and
 * be merged exactly (to the bucket width).
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

/** Buckets below this are counted in a typed array (record() is on the hot path); above, in a map. */
const DENSE_BUCKETS = 600_000;

export function createLatencyHistogram(): LatencyHistogram {
  const dense = new Uint32Array(DENSE_BUCKETS);
  const sparse = new Map<number, number>();
  let count = 0;
  let maxMs = Number.NaN;

  const add = (bucket: number, n: number): void => {
    if (bucket < DENSE_BUCKETS) dense[bucket] = (dense[bucket] ?? 0) + n;
    else sparse.set(bucket, (sparse.get(bucket) ?? 0) + n);
    count += n;
  };

  const toPairs = (): HistogramPairs => {
    const pairs: HistogramPairs = [];
    dense.forEach((n, bucket) => {
      if (n > 0) pairs.push([bucket, n]);
    });
    for (const bucket of [...sparse.keys()].sort((a, b) => a - b)) pairs.push([bucket, sparse.get(bucket) ?? 0]);
    return pairs;
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
      let seen = 0;
      for (const [bucket, n] of toPairs()) {
        seen += n;
        if (seen >= rank) return Math.min((bucket + 1) * LATENCY_BUCKET_MS, maxMs);
      }
      return maxMs;
    },
    toPairs,
  };
}
