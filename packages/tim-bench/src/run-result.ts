import { z } from 'zod';

/** JSON turns NaN (a figure that does not apply, or a failed run) into null: read it back. */
const Figure = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

/** The figures of one target in one scenario, one run; also the records of `--out` files. */
export const RunResult = z.object({
  scenarioId: z.string(),
  target: z.string(),
  subscribers: Figure,
  connected: Figure,
  connectFailed: Figure,
  /** Distinct identities (tim timites) behind the subscribers. */
  identities: Figure,
  /** Messages the publisher got acknowledged. */
  published: Figure,
  publishFailed: Figure,
  /** Sends that left more than 5 ms after their due time. */
  publishLate: Figure,
  deliveries: Figure,
  lost: Figure,
  duplicates: Figure,
  gaps: Figure,
  unexpectedCloses: Figure,
  serverCpuMs: Figure,
  cpuUsPerDelivery: Figure,
  /** The two subscriber workers' CPU per delivery: the load generator's share of the machine. */
  clientCpuUsPerDelivery: Figure.optional().transform((value) => value ?? Number.NaN),
  deliveriesPerSec: Figure,
  p50Ms: Figure,
  p95Ms: Figure,
  p99Ms: Figure,
  maxMs: Figure,
  /** Messages published (and checked) before the measured load; not in the figures above. */
  warmupMessages: Figure.optional().transform((value) => value ?? 0),
  /** The highest latency during the warm-up: what the first messages after a start took. */
  warmupMaxMs: Figure.optional().transform((value) => value ?? Number.NaN),
  memPerConnectionKB: Figure,
  idleRssMB: Figure,
  peakRssMB: Figure,
  joinMs: Figure,
  joinServerCpuMs: Figure,
  presenceFrames: Figure,
  otherFrames: Figure,
  firstError: z.string().optional(),
});
export type RunResult = z.infer<typeof RunResult>;

export const ResultsFile = z.object({
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), node: z.string(), loadAverage1m: Figure }),
  results: z.array(RunResult),
});
export type ResultsFile = z.infer<typeof ResultsFile>;
