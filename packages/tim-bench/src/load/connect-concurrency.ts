/**
 * Connections each worker opens at once: the scenario's `connectConcurrency` (Infinity: every
 * subscriber at once), bounded so that all workers together stay within the target's
 * `maxHandshakesInFlight`.
 */
export function connectConcurrencyPerWorker(options: {
  connectConcurrency: number;
  maxHandshakesInFlight: number | undefined;
  subscribers: number;
  workers: number;
}): number {
  const wanted = Number.isFinite(options.connectConcurrency) ? options.connectConcurrency : options.subscribers;
  if (options.maxHandshakesInFlight === undefined) return wanted;
  return Math.max(1, Math.min(wanted, Math.floor(options.maxHandshakesInFlight / options.workers)));
}
