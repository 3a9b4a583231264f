import { z } from 'zod';

/** JSON turns NaN (a figure that does not apply, or a failed run) into null: read it back. */
const Figure = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

/** A figure that older `--out` files do not have: read as NaN. */
const NewFigure = Figure.optional().transform((value) => value ?? Number.NaN);

/** The figures of one target in one scenario, one run; also the records of `--out` files. */
export const RunResult = z.object({
  scenarioId: z.string(),
  target: z.string(),
  /** Server processes the load was spread over (1 in files from before there were several). */
  serverProcesses: Figure.optional().transform((value) => value ?? 1),
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
  /** Skips ahead in a subscriber's stream: out of order, or lost if the skipped updates never came. */
  gaps: Figure,
  /** Updates that arrived after a later one (received, so not lost). */
  late: NewFigure,
  unexpectedCloses: Figure,
  /** CPU of every process the target runs on: its servers, and its Redis and PostgreSQL backends if any. */
  serverCpuMs: Figure,
  cpuUsPerDelivery: Figure,
  /** The part of `cpuUsPerDelivery` spent by the target's own redis-server; NaN without one. */
  redisCpuUsPerDelivery: NewFigure,
  /** The part spent by the PostgreSQL backends serving the target; NaN without any. */
  postgresCpuUsPerDelivery: NewFigure,
  /** The two subscriber workers' CPU per delivery: the load generator's share of the machine. */
  clientCpuUsPerDelivery: NewFigure,
  deliveriesPerSec: Figure,
  p50Ms: Figure,
  p95Ms: Figure,
  p99Ms: Figure,
  maxMs: Figure,
  /** Messages published (and checked) before the measured load; not in the figures above. */
  warmupMessages: Figure.optional().transform((value) => value ?? 0),
  /** The highest latency during the warm-up: what the first messages after a start took. */
  warmupMaxMs: NewFigure,
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
