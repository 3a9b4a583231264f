import { z } from 'zod';
import { BrowserRunResult } from './browser/browser-result';

/** JSON turns NaN (a figure that does not apply, or a failed run) into null: read it back. */
const Figure = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);

/** A figure that older `--out` files do not have: read as NaN. */
const NewFigure = Figure.optional().transform((value) => value ?? Number.NaN);

/** The figures of a streaming scenario over its measured window; NaN in every other scenario. */
const StreamFigures = z.object({
  /** The window's length in ms. */
  streamWindowMs: NewFigure,
  /** Appends the authors sent in the window. */
  streamAppends: NewFigure,
  /** `stream` frames the subscribers received in the window, all together. */
  streamFrames: NewFigure,
  streamFramesPerSubscriberPerSec: NewFigure,
  /** WebSocket payload bytes of every frame, per subscriber per second. */
  bytesPerSubscriberPerSec: NewFigure,
  /** Server CPU in the window as a share of one core, in %. */
  serverCpuPercent: NewFigure,
  cpuUsPerStreamFrame: NewFigure,
  clientCpuUsPerStreamFrame: NewFigure,
  /** Subscribers that read the stream frames (fold, time, check); the others count them. */
  streamReadingSubscribers: NewFigure,
  /** Appends timed: every token each reading subscriber received in the window. */
  streamLatencySamples: NewFigure,
  /** Final messages checked against a reading subscriber's folded text, over the whole run. */
  streamFinalsMatched: NewFigure,
  /** …whose content differed from the folded text. */
  streamFinalsMismatched: NewFigure,
  /** …of a stream the subscriber had no text of. */
  streamFinalsWithoutText: NewFigure,
  /** `stream` frames whose offset did not continue the subscriber's text. */
  streamOutOfOrder: NewFigure,
  /** Token positions of a folded text that did not read as a token (garbled text). */
  streamUnreadableTokens: NewFigure,
  /** `stream_end` frames without a final message (aborted, failed, lost). */
  streamEndsWithoutMessage: NewFigure,
  /** Texts still held at the end: a stream never finished, or its final message never came. */
  streamTextsLeft: NewFigure,
});
export type StreamFigures = z.infer<typeof StreamFigures>;

/** The streaming figures of a run that streamed nothing. */
export const NO_STREAM_FIGURES: StreamFigures = {
  streamWindowMs: Number.NaN,
  streamAppends: Number.NaN,
  streamFrames: Number.NaN,
  streamFramesPerSubscriberPerSec: Number.NaN,
  bytesPerSubscriberPerSec: Number.NaN,
  serverCpuPercent: Number.NaN,
  cpuUsPerStreamFrame: Number.NaN,
  clientCpuUsPerStreamFrame: Number.NaN,
  streamReadingSubscribers: Number.NaN,
  streamLatencySamples: Number.NaN,
  streamFinalsMatched: Number.NaN,
  streamFinalsMismatched: Number.NaN,
  streamFinalsWithoutText: Number.NaN,
  streamOutOfOrder: Number.NaN,
  streamUnreadableTokens: Number.NaN,
  streamEndsWithoutMessage: Number.NaN,
  streamTextsLeft: Number.NaN,
};

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
  /** Messages the publisher got acknowledged; streaming: replies finished and stored. */
  published: Figure,
  /** Streaming: the authors' failures (refusals, dropped connections, replies ended without a message). */
  publishFailed: Figure,
  /** Sends that left more than 5 ms after their due time; streaming: appends, over the window. */
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
  /** Latency of the updates; in a streaming scenario, of the appends (author sends → a subscriber has it). */
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
  ...StreamFigures.shape,
  firstError: z.string().optional(),
});
export type RunResult = z.infer<typeof RunResult>;

export const ResultsFile = z.object({
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), node: z.string(), loadAverage1m: Figure }),
  results: z.array(RunResult),
  /** The browser scenarios' runs; absent in files from before there were any. */
  browserResults: z
    .array(BrowserRunResult)
    .optional()
    .transform((value) => value ?? []),
});
export type ResultsFile = z.infer<typeof ResultsFile>;
