import { MAIN_SPACE_ID } from '@tim/protocol';
import type { PublishLoad } from './load/publisher';
import { STREAM_TOKEN_CHARS } from './load/stream-token';
import type { TargetName } from './targets/target';

/**
 * Authors streaming replies over the WebSocket (docs/protocol.md §7), each one reply at a
 * time: a token every `tokenIntervalMs` from the moment the stream opened, `tokensPerReply`
 * tokens, finish, open the next. The figures are taken over `durationMs` after `warmupMs`.
 */
export interface StreamLoad {
  kind: 'stream';
  /** Timites streaming at once (seeded humans; see run-stream-scenario.ts for why not agents). */
  authors: number;
  tokenIntervalMs: number;
  tokensPerReply: number;
  /** Streaming before the measured window: every author through its first reply, V8 warm. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
  /**
   * Every n-th subscriber reads the `stream` frames: folds, times each token, checks the text
   * against the final message. The others recognise and count them from their first bytes,
   * so that decoding 200 000 frames a second does not make the load generator the bottleneck
   * on a machine it shares with the server. Everyone reads and checks the final messages.
   */
  readStreamsEvery: number;
}

export type ScenarioLoad = PublishLoad | { kind: 'join' } | StreamLoad;

export interface Scenario {
  id: string;
  /** One line for the table. */
  label: string;
  spaces: number;
  subscribersPerSpace: number;
  contentBytes: number;
  load: ScenarioLoad;
  /** Connections each worker opens at once; `Infinity` means all at once. */
  connectConcurrency: number;
  /** The targets it runs on when `--targets` is not given. @default SINGLE_PROCESS_TARGETS */
  targets?: readonly TargetName[];
  /** The only targets it can run on, and why; absent: any. */
  onlyOn?: { targets: readonly TargetName[]; reason: string };
}

/** The targets of every scenario but the multi-process one: tim against its references. */
export const SINGLE_PROCESS_TARGETS: readonly TargetName[] = ['ceiling', 'ceiling-coalesced', 'socketio', 'tim'];

/**
 * The scale-out comparison: each multi-process target against itself in one process, in the
 * same run, so that the cost of a second process, Redis and PostgreSQL reads as a ratio.
 */
const MULTI_PROCESS_TARGETS: readonly TargetName[] = ['tim', 'tim-multi-process', 'socketio', 'socketio-multi-process'];

export function targetsFor(scenario: Scenario): readonly TargetName[] {
  return scenario.targets ?? SINGLE_PROCESS_TARGETS;
}

/**
 * The (scenario, target) pairs to run. A scenario named in `--scenarios` refuses a target it
 * cannot run on (the error says why and what to change); one selected by running them all
 * leaves such targets out, with a note, so `pnpm bench --targets ceiling,tim` still runs
 * everything it can.
 */
export function plannedRuns(options: {
  scenarios: readonly Scenario[];
  targets: readonly TargetName[] | undefined;
  isScenarioNamed: boolean;
}): { runs: Array<{ scenario: Scenario; target: TargetName }>; notes: string[] } {
  const runs: Array<{ scenario: Scenario; target: TargetName }> = [];
  const notes: string[] = [];
  for (const scenario of options.scenarios) {
    const asked = options.targets ?? targetsFor(scenario);
    const { onlyOn } = scenario;
    const refused = onlyOn === undefined ? [] : asked.filter((target) => !onlyOn.targets.includes(target));
    if (onlyOn !== undefined && refused.length > 0) {
      const why = `${scenario.id} runs on ${onlyOn.targets.join(', ')} only (${onlyOn.reason})`;
      if (options.isScenarioNamed) {
        throw new Error(`${why}; leave ${refused.join(', ')} out of --targets`);
      }
      notes.push(`${why}: not on ${refused.join(', ')}`);
    }
    for (const target of asked) if (!refused.includes(target)) runs.push({ scenario, target });
  }
  return { runs, notes };
}

/** The headline: 1000 subscribers of one space, 50 messages/s of 100 B (50 000 deliveries/s). */
export const QUICK_SCENARIO: Scenario = {
  id: 'fanout-1000',
  label: '1 space × 1000 subscribers, 50 msg/s, 100 B',
  spaces: 1,
  subscribersPerSpace: 1000,
  contentBytes: 100,
  load: { kind: 'rate', messagesPerSecond: 50, durationMs: 3000 },
  connectConcurrency: 100,
};

const RATE_MS = 5000;

/**
 * Ten authors streaming into a space of 1000: every subscriber gets each stream frame; one in
 * ten reads them (folds, times, checks), the others count them, so that the subscriber
 * workers (≈ 3.5 µs of CPU per frame instead of ≈ 6) leave the machine to the server.
 */
const STREAMING_LOAD: StreamLoad = {
  kind: 'stream',
  authors: 10,
  tokenIntervalMs: 25,
  tokensPerReply: 200,
  warmupMs: 6000,
  durationMs: 20_000,
  readStreamsEvery: 10,
};

const STREAMING_SCENARIO: Scenario = {
  id: 'stream-10x1000',
  label:
    '10 authors streaming replies of 200 4-character tokens, a token every 25 ms each (40 tokens/s), into 1 space × 1000 subscribers (1 in 10 reading the frames); 20 s measured after 6 s',
  spaces: 1,
  subscribersPerSpace: 1000,
  contentBytes: STREAM_TOKEN_CHARS,
  load: STREAMING_LOAD,
  connectConcurrency: 100,
  targets: ['tim'],
  onlyOn: {
    targets: ['tim'],
    reason: "it streams over tim's WebSocket protocol; the ceiling and Socket.IO servers have no streaming",
  },
};

/** How cost grows with subscribers, spaces, content size, burst load and a join storm. */
export const FULL_SCENARIOS: Scenario[] = [
  {
    id: 'fanout-100',
    label: '1 space × 100 subscribers, 50 msg/s, 100 B',
    spaces: 1,
    subscribersPerSpace: 100,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 50, durationMs: RATE_MS },
    connectConcurrency: 100,
  },
  {
    id: 'fanout-1000-light',
    label: '1 space × 1000 subscribers, 10 msg/s, 100 B (latency below saturation)',
    spaces: 1,
    subscribersPerSpace: 1000,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 10, durationMs: RATE_MS },
    connectConcurrency: 100,
  },
  { ...QUICK_SCENARIO, load: { kind: 'rate', messagesPerSecond: 50, durationMs: RATE_MS } },
  {
    id: 'fanout-5000',
    label: '1 space × 5000 subscribers, 10 msg/s, 100 B',
    spaces: 1,
    subscribersPerSpace: 5000,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 10, durationMs: RATE_MS },
    connectConcurrency: 100,
  },
  {
    id: 'spaces-100x50',
    label: '100 spaces × 50 subscribers, 500 msg/s over all spaces, 100 B',
    spaces: 100,
    subscribersPerSpace: 50,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 500, durationMs: RATE_MS },
    connectConcurrency: 100,
  },
  {
    id: 'content-4k',
    label: '1 space × 1000 subscribers, 50 msg/s, 4000 B',
    spaces: 1,
    subscribersPerSpace: 1000,
    contentBytes: 4000,
    load: { kind: 'rate', messagesPerSecond: 50, durationMs: RATE_MS },
    connectConcurrency: 100,
  },
  {
    id: 'burst-1000',
    label: '1 space × 1000 subscribers, 500 messages as fast as possible, 100 B',
    spaces: 1,
    subscribersPerSpace: 1000,
    contentBytes: 100,
    load: { kind: 'burst', messages: 500 },
    connectConcurrency: 100,
  },
  {
    id: 'join-5000',
    label: '5000 subscribers of one space joining together (tim: 80 handshakes in flight, its per-address cap)',
    spaces: 1,
    subscribersPerSpace: 5000,
    contentBytes: 100,
    load: { kind: 'join' },
    connectConcurrency: Number.POSITIVE_INFINITY,
  },
  STREAMING_SCENARIO,
  {
    ...STREAMING_SCENARIO,
    id: 'stream-10x1000-all-read',
    label: 'stream-10x1000 with every subscriber reading, folding and checking every frame',
    load: { ...STREAMING_LOAD, readStreamsEvery: 1 },
  },
  {
    id: 'multi-process-1000',
    label:
      '1 space × 1000 subscribers, 50 msg/s, 100 B; multi-process targets: 2 server processes, subscribers split evenly, posts alternating',
    spaces: 1,
    subscribersPerSpace: 1000,
    contentBytes: 100,
    load: { kind: 'rate', messagesPerSecond: 50, durationMs: RATE_MS },
    connectConcurrency: 100,
    targets: MULTI_PROCESS_TARGETS,
  },
];

/** Messages of a warm-up at least, so that every process's hot paths are compiled by V8. */
const WARMUP_MIN_MESSAGES = 20;

/**
 * What is published before the measured load: the same load for a second (at least 20
 * messages), or a 100-message burst. The first dozen messages after a process starts run
 * through V8's interpreter and compiler, in the servers and in the subscriber workers, and
 * took 50–130 ms each where later ones take 10–30 ms: measured, that start would be most of
 * p99. The warm-up's updates are still checked for loss and order; its latency is reported
 * apart (`warmupMaxMs`).
 */
export function warmupFor(load: PublishLoad): PublishLoad {
  if (load.kind === 'burst') return { kind: 'burst', messages: 100 };
  const durationMs = Math.max(1000, (WARMUP_MIN_MESSAGES / load.messagesPerSecond) * 1000);
  return { kind: 'rate', messagesPerSecond: load.messagesPerSecond, durationMs };
}

/** `main` for a single space (it always exists on tim), `bench-N` otherwise. */
export function spaceIdsFor(scenario: Scenario): string[] {
  if (scenario.spaces === 1) return [MAIN_SPACE_ID];
  return Array.from({ length: scenario.spaces }, (_, index) => `bench-${index + 1}`);
}
