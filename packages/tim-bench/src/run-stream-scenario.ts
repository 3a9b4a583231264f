import { setTimeout as delay } from 'node:timers/promises';
import { connectionFigures, connectSubscribers, readTargetCpu, type ConnectedSubscribers } from './connect-subscribers';
import type { WindowReport, WorkerReport } from './ipc';
import { startStreamAuthors, type StreamAuthorCounts } from './load/stream-authors';
import type { WorkerPool } from './load/worker-pool';
import { readTotalMemory } from './process-stats';
import type { RunResult } from './run-result';
import { spaceIdsFor, type Scenario, type StreamLoad } from './scenarios';
import { cpuDeltaByRole, type CpuByRole } from './stats/cpu-by-role';
import { createLatencyHistogram } from './stats/latency-histogram';
import { cpuMicrosPerDelivery } from './stats/summary-stats';
import type { RunningTarget } from './targets/target';

/** Time for every subscriber to get the final messages of the replies finished at the end, in ms. */
const DRAIN_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 15_000;

/*
 * The streaming scenario. The authors are humans seeded with the subscribers, not agents: the
 * bench seeds identities through the target's `prepare` (the measured build's `seedHumans`),
 * and the server refuses an agent's message after TIM_MAX_AGENT_STREAK (10) agent messages in
 * a row in a space, which ten agents streaming without a human between them reach within
 * seconds. A human's stream goes through the same frames, flushes and fan-out; only the final
 * message's streak bookkeeping differs.
 */

/**
 * Connects the subscribers, starts the authors on the space, lets them stream through the
 * warm-up, then measures a window: server CPU, the `stream` frames and bytes every subscriber
 * received, and each token's latency from the author's send to a subscriber having it. Then
 * the authors finish the replies they have open, and the folded text of every stream is
 * checked against its final message by every subscriber that reads them.
 */
export async function measureStreaming(input: {
  scenario: Scenario;
  load: StreamLoad;
  running: RunningTarget;
  workers: WorkerPool;
  progress: { phase: string };
}): Promise<RunResult> {
  const { scenario, load, running, workers, progress } = input;
  const [spaceId] = spaceIdsFor(scenario);
  const [server] = running.servers;
  if (scenario.spaces !== 1 || spaceId === undefined || server === undefined) {
    throw new Error(`${scenario.id}: a streaming scenario has one space and one server process`);
  }
  const connected = await connectSubscribers({
    scenario,
    running,
    workers,
    progress,
    heldPerSpace: load.authors,
    readStreamsEvery: load.readStreamsEvery,
  });
  const keys = connected.held.map(({ key }) => key).filter((key) => key !== undefined);
  if (keys.length !== load.authors) throw new Error(`${running.name} gave no session keys for the authors`);

  progress.phase = 'warm-up';
  const authors = await startStreamAuthors({
    baseUrl: server.baseUrl,
    spaceId,
    keys,
    tokenIntervalMs: load.tokenIntervalMs,
    tokensPerReply: load.tokensPerReply,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  try {
    await delay(load.warmupMs);
    progress.phase = 'stream';
    await workers.window('open');
    const cpuBefore = await readTargetCpu(running);
    const authorsBefore = authors.counts();
    await delay(load.durationMs);
    const windows = await workers.window('close');
    const cpu = cpuDeltaByRole(cpuBefore, await readTargetCpu(running));
    const authorsAfter = authors.counts();

    progress.phase = 'finish';
    const finalId = await authors.stop();
    progress.phase = 'collect';
    const reports = await workers.collect({ [spaceId]: finalId }, { timeoutMs: DRAIN_TIMEOUT_MS, resetAfter: false });
    const end = await readTotalMemory(running.servers.map(({ pid }) => pid));
    progress.phase = 'stop';
    return summarizeStreaming({
      scenario,
      running,
      connected,
      windows,
      reports,
      cpu,
      appends: authorsAfter.appends - authorsBefore.appends,
      appendsLate: authorsAfter.lateAppends - authorsBefore.lateAppends,
      authors: authors.counts(),
      peakRssBytes: end.peakRssBytes,
    });
  } finally {
    authors.close();
  }
}

function summarizeStreaming(input: {
  scenario: Scenario;
  running: RunningTarget;
  connected: ConnectedSubscribers;
  windows: WindowReport[];
  reports: WorkerReport[];
  cpu: CpuByRole;
  appends: number;
  appendsLate: number;
  authors: StreamAuthorCounts;
  peakRssBytes: number;
}): RunResult {
  const { scenario, connected, windows, reports, cpu } = input;
  const histogram = createLatencyHistogram();
  for (const window of windows) histogram.merge(window.histogram, window.maxLatencyMs);
  const inWindow = (pick: (window: WindowReport) => number) => windows.reduce((sum, window) => sum + pick(window), 0);
  const overall = (pick: (report: WorkerReport) => number) => reports.reduce((sum, report) => sum + pick(report), 0);
  const streamFrames = inWindow((window) => window.streamFrames);
  const windowMs = Math.max(...windows.map((window) => window.elapsedMs));
  const subscriberSeconds = (inWindow((window) => window.subscribers) * windowMs) / 1000;

  return {
    scenarioId: scenario.id,
    target: input.running.name,
    serverProcesses: input.running.servers.length,
    subscribers: scenario.spaces * scenario.subscribersPerSpace,
    ...connectionFigures(connected, input.peakRssBytes),
    published: input.authors.finished,
    publishFailed: input.authors.errors,
    publishLate: input.appendsLate,
    deliveries: overall((report) => report.deliveries),
    lost: overall((report) => report.lost),
    duplicates: overall((report) => report.duplicates),
    gaps: overall((report) => report.gaps),
    late: overall((report) => report.late),
    unexpectedCloses: overall((report) => report.unexpectedCloses),
    serverCpuMs: cpu.totalMicros / 1000,
    cpuUsPerDelivery: Number.NaN,
    redisCpuUsPerDelivery: Number.NaN,
    postgresCpuUsPerDelivery: Number.NaN,
    clientCpuUsPerDelivery: Number.NaN,
    deliveriesPerSec: Number.NaN,
    p50Ms: histogram.percentile(50),
    p95Ms: histogram.percentile(95),
    p99Ms: histogram.percentile(99),
    maxMs: histogram.maxMs,
    warmupMessages: 0,
    warmupMaxMs: Number.NaN,
    presenceFrames: overall((report) => report.presenceFrames),
    otherFrames: overall((report) => report.otherFrames),
    streamWindowMs: windowMs,
    streamAppends: input.appends,
    streamFrames,
    streamFramesPerSubscriberPerSec: subscriberSeconds > 0 ? streamFrames / subscriberSeconds : Number.NaN,
    bytesPerSubscriberPerSec:
      subscriberSeconds > 0 ? inWindow((window) => window.bytes) / subscriberSeconds : Number.NaN,
    serverCpuPercent: windowMs > 0 ? (cpu.totalMicros / 1000 / windowMs) * 100 : Number.NaN,
    cpuUsPerStreamFrame: cpuMicrosPerDelivery(cpu.totalMicros, streamFrames),
    clientCpuUsPerStreamFrame: cpuMicrosPerDelivery(
      inWindow((window) => window.cpuMicros),
      streamFrames,
    ),
    streamReadingSubscribers: inWindow((window) => window.readingStreams),
    streamLatencySamples: histogram.count,
    streamFinalsMatched: overall((report) => report.streams.finalsMatched),
    streamFinalsMismatched: overall((report) => report.streams.finalsMismatched),
    streamFinalsWithoutText: overall((report) => report.streams.finalsWithoutText),
    streamOutOfOrder: overall((report) => report.streams.outOfOrder),
    streamUnreadableTokens: overall((report) => report.streams.unreadableTokens),
    streamEndsWithoutMessage: overall((report) => report.streams.endsWithoutMessage),
    streamTextsLeft: overall((report) => report.streams.held),
    firstError: connected.firstError ?? input.authors.firstError,
  };
}
