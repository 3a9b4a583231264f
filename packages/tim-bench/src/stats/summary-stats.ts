/**
 * The arithmetic behind every reported figure, kept pure so it is tested on its own.
 */

/** The p-th percentile (0–100) of ascending values, nearest-rank; NaN when empty. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

/** The median of the values (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  if (finite.length % 2 === 1) return finite[middle] ?? Number.NaN;
  return ((finite[middle - 1] ?? 0) + (finite[middle] ?? 0)) / 2;
}

/** Server CPU time spent per delivered update, in µs; NaN when nothing was delivered. */
export function cpuMicrosPerDelivery(cpuMicros: number, deliveries: number): number {
  return deliveries > 0 ? cpuMicros / deliveries : Number.NaN;
}

/** Deliveries per second over a window in ms; NaN for an empty window. */
export function deliveriesPerSecond(deliveries: number, windowMs: number): number {
  return windowMs > 0 ? (deliveries * 1000) / windowMs : Number.NaN;
}

/** (RSS with the connections − RSS idle) ÷ connections, in bytes; NaN without connections. */
export function memoryPerConnectionBytes(options: {
  idleRssBytes: number;
  connectedRssBytes: number;
  connections: number;
}): number {
  if (options.connections <= 0) return Number.NaN;
  return (options.connectedRssBytes - options.idleRssBytes) / options.connections;
}

/** a ÷ b, NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return Number.NaN;
  return a / b;
}
