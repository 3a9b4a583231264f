import type { ChildRegistry } from './child-registry';
import {
  connectionFigures,
  connectSubscribers,
  readTargetCpu,
  SUBSCRIBER_WORKERS,
  type ConnectedSubscribers,
} from './connect-subscribers';
import type { WorkerReport } from './ipc';
import { NO_STREAM_FIGURES, type RunResult } from './run-result';
import { publish, type PublishLoad, type PublishResult } from './load/publisher';
import { startWorkerPool, type WorkerPool } from './load/worker-pool';
import { readTotalMemory } from './process-stats';
import { measureStreaming } from './run-stream-scenario';
import { spaceIdsFor, warmupFor, type Scenario } from './scenarios';
import { cpuDeltaByRole, type CpuByRole } from './stats/cpu-by-role';
import { createLatencyHistogram } from './stats/latency-histogram';
import { cpuMicrosPerDelivery, deliveriesPerSecond } from './stats/summary-stats';
import type { RunningTarget, Target } from './targets/target';

const DRAIN_TIMEOUT_MS = 20_000;
/** A run that takes longer than this is abandoned, its processes killed. */
const RUN_DEADLINE_MS = 180_000;

/**
 * One target, one scenario: start the target's server processes (and the Redis or database
 * they use), connect the subscribers in two worker processes, publish from this process, then
 * read the CPU time and RSS of the target's processes. Everything started here is stopped
 * before it returns or throws.
 */
export async function runScenario(options: {
  scenario: Scenario;
  target: Target;
  registry: ChildRegistry;
  cpuProfileDir?: string;
}): Promise<RunResult> {
  const { scenario, registry } = options;
  const running = await options.target.start({ registry, cpuProfileDir: options.cpuProfileDir });
  const workers = startWorkerPool({ count: SUBSCRIBER_WORKERS, registry });
  const progress = { phase: 'prepare', isPastDeadline: false };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      progress.isPastDeadline = true;
      reject(
        new Error(
          `${scenario.id} on ${running.name} took over ${RUN_DEADLINE_MS / 1000} s (stuck in "${progress.phase}")`,
        ),
      );
    }, RUN_DEADLINE_MS);
  });
  const { load } = scenario;
  const measuring =
    load.kind === 'stream'
      ? measureStreaming({ scenario, load, running, workers, progress })
      : measure({ scenario, load, running, workers, progress });
  // Once the deadline has won, stopping the children makes `measuring` fail too: say so.
  measuring.catch((err: unknown) => {
    if (progress.isPastDeadline)
      process.stderr.write(`bench: after the deadline: ${err instanceof Error ? err.message : String(err)}\n`);
  });
  try {
    return await Promise.race([measuring, deadline]);
  } finally {
    clearTimeout(timer);
    await workers.close();
    await running.close();
  }
}

async function measure(input: {
  scenario: Scenario;
  load: PublishLoad | { kind: 'join' };
  running: RunningTarget;
  workers: WorkerPool;
  progress: { phase: string };
}): Promise<RunResult> {
  const { scenario, load, running, workers, progress } = input;
  const spaceIds = spaceIdsFor(scenario);
  const serverPids = running.servers.map((server) => server.pid);
  const connected = await connectSubscribers({ scenario, running, workers, progress });
  const { prepared } = connected;

  const publishLoad = (publishing: PublishLoad) =>
    publish({
      baseUrls: running.servers.map((server) => server.baseUrl),
      headers: prepared.publishHeaders,
      spaceIds,
      contentBytes: scenario.contentBytes,
      load: publishing,
      maxInFlight: publishing.kind === 'burst' ? 8 : 64,
    });

  let warmup: { messages: number; maxLatencyMs: number } | undefined;
  if (load.kind !== 'join') {
    progress.phase = 'warm-up';
    const warmed = await publishLoad(warmupFor(load));
    if (warmed.failed > 0) throw new Error(`warm-up: ${warmed.failed} messages failed: ${warmed.firstError ?? ''}`);
    const warmReports = await workers.collect(warmed.finalIds, { timeoutMs: DRAIN_TIMEOUT_MS, resetAfter: true });
    warmup = {
      messages: warmed.acknowledged,
      maxLatencyMs: Math.max(...warmReports.map((report) => report.maxLatencyMs)),
    };
  }

  progress.phase = 'publish';
  const cpuBefore = await readTargetCpu(running);
  const published: PublishResult | undefined = load.kind === 'join' ? undefined : await publishLoad(load);
  progress.phase = 'collect';
  const reports = await workers.collect(published?.finalIds ?? {}, { timeoutMs: DRAIN_TIMEOUT_MS, resetAfter: false });
  const cpu = cpuDeltaByRole(cpuBefore, await readTargetCpu(running));
  const end = await readTotalMemory(serverPids);
  progress.phase = 'stop';
  if (cpu.vanished > 0) {
    process.stderr.write(
      `bench: ${cpu.vanished} of ${running.name}'s processes exited during the measured window; their CPU is not counted\n`,
    );
  }

  return summarize({
    scenario,
    target: running.name,
    reports,
    published,
    cpu,
    serverProcesses: running.servers.length,
    connected,
    peakRssBytes: end.peakRssBytes,
    warmup,
  });
}

function summarize(input: {
  scenario: Scenario;
  target: string;
  reports: WorkerReport[];
  published: PublishResult | undefined;
  cpu: CpuByRole;
  serverProcesses: number;
  connected: ConnectedSubscribers;
  peakRssBytes: number;
  warmup: { messages: number; maxLatencyMs: number } | undefined;
}): RunResult {
  const { reports, published, scenario, cpu } = input;
  const histogram = createLatencyHistogram();
  for (const report of reports) histogram.merge(report.histogram, report.maxLatencyMs);
  const sum = (pick: (report: WorkerReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const deliveries = sum((report) => report.deliveries);
  const lastDeliveryAtMs = Math.max(...reports.map((report) => report.lastDeliveryAtMs).filter(Number.isFinite));
  const windowMs = published === undefined ? Number.NaN : lastDeliveryAtMs - published.startedAtMs;
  // A subscriber that failed to connect missed every update: it counts as lost, not as absent.
  const missedByFailedConnections = input.connected.connectFailed * (published?.acknowledged ?? 0);

  return {
    scenarioId: scenario.id,
    target: input.target,
    serverProcesses: input.serverProcesses,
    subscribers: scenario.spaces * scenario.subscribersPerSpace,
    ...connectionFigures(input.connected, input.peakRssBytes),
    published: published?.acknowledged ?? 0,
    publishFailed: published?.failed ?? 0,
    publishLate: published?.late ?? 0,
    deliveries,
    lost: sum((report) => report.lost) + missedByFailedConnections,
    duplicates: sum((report) => report.duplicates),
    gaps: sum((report) => report.gaps),
    late: sum((report) => report.late),
    unexpectedCloses: sum((report) => report.unexpectedCloses),
    serverCpuMs: cpu.totalMicros / 1000,
    cpuUsPerDelivery: cpuMicrosPerDelivery(cpu.totalMicros, deliveries),
    redisCpuUsPerDelivery: cpuMicrosPerDelivery(cpu.micros.redis, deliveries),
    postgresCpuUsPerDelivery: cpuMicrosPerDelivery(cpu.micros.postgres, deliveries),
    clientCpuUsPerDelivery: cpuMicrosPerDelivery(
      sum((report) => report.cpuMicros),
      deliveries,
    ),
    deliveriesPerSec: deliveriesPerSecond(deliveries, windowMs),
    p50Ms: histogram.percentile(50),
    p95Ms: histogram.percentile(95),
    p99Ms: histogram.percentile(99),
    maxMs: histogram.maxMs,
    warmupMessages: input.warmup?.messages ?? 0,
    warmupMaxMs: input.warmup?.maxLatencyMs ?? Number.NaN,
    presenceFrames: sum((report) => report.presenceFrames),
    otherFrames: sum((report) => report.otherFrames),
    ...NO_STREAM_FIGURES,
    firstError: input.connected.firstError ?? published?.firstError,
  };
}

/** The row of a run that failed: no figures, the error instead. */
export function failedRun(options: { scenario: Scenario; target: string; message: string }): RunResult {
  const { scenario } = options;
  return {
    scenarioId: scenario.id,
    target: options.target,
    serverProcesses: Number.NaN,
    subscribers: scenario.spaces * scenario.subscribersPerSpace,
    connected: 0,
    connectFailed: 0,
    identities: 0,
    published: 0,
    publishFailed: 0,
    publishLate: 0,
    deliveries: 0,
    lost: Number.NaN,
    duplicates: Number.NaN,
    gaps: Number.NaN,
    late: Number.NaN,
    unexpectedCloses: 0,
    serverCpuMs: Number.NaN,
    cpuUsPerDelivery: Number.NaN,
    redisCpuUsPerDelivery: Number.NaN,
    postgresCpuUsPerDelivery: Number.NaN,
    clientCpuUsPerDelivery: Number.NaN,
    deliveriesPerSec: Number.NaN,
    p50Ms: Number.NaN,
    p95Ms: Number.NaN,
    p99Ms: Number.NaN,
    maxMs: Number.NaN,
    warmupMessages: 0,
    warmupMaxMs: Number.NaN,
    memPerConnectionKB: Number.NaN,
    idleRssMB: Number.NaN,
    peakRssMB: Number.NaN,
    joinMs: Number.NaN,
    joinServerCpuMs: Number.NaN,
    presenceFrames: 0,
    otherFrames: 0,
    ...NO_STREAM_FIGURES,
    firstError: options.message,
  };
}
