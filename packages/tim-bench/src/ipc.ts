import { z } from 'zod';
import { SpaceId } from '@tim/protocol';

/**
 * Messages between the harness and its child processes (subscriber workers and the servers
 * under test). Every one is parsed on arrival: an IPC channel is a process boundary too.
 */

export const ClientKind = z.enum(['ws', 'tim', 'socketio']);
export type ClientKind = z.infer<typeof ClientKind>;

export const SubscriberSpec = z.object({
  spaceId: SpaceId,
  /** Session key, for targets that authenticate (tim). */
  key: z.string().optional(),
});
export type SubscriberSpec = z.infer<typeof SubscriberSpec>;

export const ConnectCommand = z.object({
  type: z.literal('connect'),
  clientKind: ClientKind,
  /**
   * One per server process: ws:// URLs for raw WebSocket targets, http:// base URLs for
   * Socket.IO. A worker connects its subscribers to them in turn, so each server gets an
   * even share of each worker's.
   */
  urls: z.array(z.string()).min(1),
  subscribers: z.array(SubscriberSpec),
  /** Connections opened at once; the subscriber count means "all at once". */
  concurrency: z.number().int().positive(),
  /**
   * Every n-th subscriber of each worker reads the `stream` frames (folds, times and checks
   * them); the others only count them, from their first bytes. Updates everyone reads.
   */
  readStreamsEvery: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
});
export type ConnectCommand = z.infer<typeof ConnectCommand>;

export const CollectCommand = z.object({
  type: z.literal('collect'),
  /** The last update id the publisher got acknowledged, per space. */
  finalIds: z.record(z.string(), z.number().int().nonnegative()),
  timeoutMs: z.number().int().positive(),
  /**
   * After reporting, start the latency histogram, the delivery count and the CPU reading
   * afresh (the report was of the warm-up). Order and loss checks go on across it.
   */
  resetAfter: z.boolean(),
});
export type CollectCommand = z.infer<typeof CollectCommand>;

/**
 * The streaming scenario's measured window: `open` starts the stream frames, bytes, append
 * latencies and CPU afresh, `close` stops counting them. Either answers with the figures since
 * the previous window command. Folding and checking go on outside the window.
 */
export const WindowCommand = z.object({ type: z.literal('window'), action: z.enum(['open', 'close']) });
export type WindowCommand = z.infer<typeof WindowCommand>;

export const CloseCommand = z.object({ type: z.literal('close') });

export const WorkerCommand = z.discriminatedUnion('type', [
  ConnectCommand,
  CollectCommand,
  WindowCommand,
  CloseCommand,
]);
export type WorkerCommand = z.infer<typeof WorkerCommand>;

export const ConnectedReply = z.object({
  type: z.literal('connected'),
  connected: z.number().int(),
  failed: z.number().int(),
  firstError: z.string().optional(),
  elapsedMs: z.number(),
});
export type ConnectedReply = z.infer<typeof ConnectedReply>;

/** What the subscribers of one worker saw of the streams, summed (see load/stream-reception.ts). */
export const StreamCounts = z.object({
  applied: z.number().int(),
  outOfOrder: z.number().int(),
  finalsMatched: z.number().int(),
  finalsMismatched: z.number().int(),
  finalsWithoutText: z.number().int(),
  endsWithoutMessage: z.number().int(),
  unreadableTokens: z.number().int(),
  /** Streams whose text was still held at the report: open, or their final message never came. */
  held: z.number().int(),
});
export type StreamCounts = z.infer<typeof StreamCounts>;

export const WorkerReport = z.object({
  subscribers: z.number().int(),
  deliveries: z.number().int(),
  duplicates: z.number().int(),
  gaps: z.number().int(),
  /** Updates that arrived after a later one: out of order, not lost. */
  late: z.number().int(),
  lost: z.number().int(),
  /** Subscribers that had not received every acknowledged update when collection ended. */
  undrained: z.number().int(),
  unexpectedCloses: z.number().int(),
  presenceFrames: z.number().int(),
  otherFrames: z.number().int(),
  histogram: z.array(z.tuple([z.number(), z.number()])),
  /** NaN when nothing was received (zod's number() refuses NaN). */
  maxLatencyMs: z.number().or(z.nan()),
  /** Wall-clock ms of the last update received, NaN when none. */
  lastDeliveryAtMs: z.number().or(z.nan()),
  /** This worker's own CPU time from the end of connecting to this report, in µs. */
  cpuMicros: z.number(),
  streams: StreamCounts,
});
export type WorkerReport = z.infer<typeof WorkerReport>;

/** One worker's figures over a window (between two window commands). */
export const WindowReport = z.object({
  subscribers: z.number().int(),
  /** Of those, the ones that read the stream frames (see ConnectCommand.readStreamsEvery). */
  readingStreams: z.number().int(),
  /** `stream` frames received by all its subscribers. */
  streamFrames: z.number().int(),
  /** WebSocket payload bytes of every frame its subscribers received. */
  bytes: z.number().int(),
  /** Append-to-screen latencies of the tokens completed in the window. */
  histogram: z.array(z.tuple([z.number(), z.number()])),
  maxLatencyMs: z.number().or(z.nan()),
  elapsedMs: z.number(),
  cpuMicros: z.number(),
});
export type WindowReport = z.infer<typeof WindowReport>;

export const WindowReply = z.object({ type: z.literal('window'), report: WindowReport });

export const CollectedReply = z.object({ type: z.literal('collected'), report: WorkerReport });
export type CollectedReply = z.infer<typeof CollectedReply>;

export const WorkerErrorReply = z.object({ type: z.literal('error'), message: z.string() });

export const WorkerReply = z.discriminatedUnion('type', [
  ConnectedReply,
  CollectedReply,
  WindowReply,
  WorkerErrorReply,
]);
export type WorkerReply = z.infer<typeof WorkerReply>;

/** Sent once by a bench server process when it accepts connections. */
export const ListeningMessage = z.object({ type: z.literal('listening'), port: z.number().int().positive() });
export type ListeningMessage = z.infer<typeof ListeningMessage>;
