import { setTimeout as delay } from 'node:timers/promises';
import type { SubscriberSpec } from './ipc';
import { connectConcurrencyPerWorker } from './load/connect-concurrency';
import type { WorkerPool } from './load/worker-pool';
import { readCpuReadings, readTotalMemory } from './process-stats';
import { spaceIdsFor, type Scenario } from './scenarios';
import { cpuDeltaByRole, type CpuReading } from './stats/cpu-by-role';
import type { RunResult } from './run-result';
import { memoryPerConnectionBytes } from './stats/summary-stats';
import type { PreparedLoad, RunningTarget } from './targets/target';

/** Settling time after connecting, before reading the connected RSS, in ms. */
const SETTLE_MS = 1000;
const CONNECT_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;
/** Subscriber worker processes: the load generator's own, beside the publisher in this one. */
export const SUBSCRIBER_WORKERS = 2;

export interface ConnectedSubscribers {
  prepared: PreparedLoad;
  /** Identities seeded per space beyond the subscribers and not connected: the first of each space's. */
  held: SubscriberSpec[];
  connected: number;
  connectFailed: number;
  firstError: string | undefined;
  /** Time until the last worker had all its subscribers subscribed, in ms. */
  joinMs: number;
  joinServerCpuMs: number;
  memory: { idle: number; connected: number };
}

/**
 * The part every scenario shares: seed the scenario's identities on the target, read its idle
 * RSS, connect and subscribe the subscribers in the workers (CPU of the join measured), settle,
 * read the RSS with them connected. `heldPerSpace` more identities are seeded in each space and
 * handed back instead of connected (the streaming scenario's authors).
 */
export async function connectSubscribers(input: {
  scenario: Scenario;
  running: RunningTarget;
  workers: WorkerPool;
  progress: { phase: string };
  heldPerSpace?: number;
  /** Every n-th subscriber of each worker reads stream frames, the others count them. @default 1 */
  readStreamsEvery?: number;
}): Promise<ConnectedSubscribers> {
  const { scenario, running, workers, progress } = input;
  const heldPerSpace = input.heldPerSpace ?? 0;
  const serverPids = running.servers.map((server) => server.pid);
  const perSpace = scenario.subscribersPerSpace + heldPerSpace;
  const prepared = await running.prepare({ spaceIds: spaceIdsFor(scenario), subscribersPerSpace: perSpace });
  const held = prepared.subscribers.filter((_, index) => index % perSpace < heldPerSpace);
  const subscribers = prepared.subscribers.filter((_, index) => index % perSpace >= heldPerSpace);
  await delay(300);
  const idle = await readTotalMemory(serverPids);

  progress.phase = 'connect';
  const cpuBeforeJoin = await readTargetCpu(running);
  const replies = await workers.connect({
    clientKind: running.clientKind,
    urls: running.servers.map((server) => server.subscriberUrl),
    subscribers,
    concurrency: connectConcurrencyPerWorker({
      connectConcurrency: scenario.connectConcurrency,
      maxHandshakesInFlight: running.maxHandshakesInFlight,
      subscribers: subscribers.length,
      workers: SUBSCRIBER_WORKERS,
    }),
    timeoutMs: CONNECT_TIMEOUT_MS,
    readStreamsEvery: input.readStreamsEvery ?? 1,
  });
  const joinCpu = cpuDeltaByRole(cpuBeforeJoin, await readTargetCpu(running));
  await delay(SETTLE_MS);
  const withConnections = await readTotalMemory(serverPids);
  return {
    prepared,
    held,
    connected: replies.reduce((sum, reply) => sum + reply.connected, 0),
    connectFailed: replies.reduce((sum, reply) => sum + reply.failed, 0),
    firstError: replies.find((reply) => reply.firstError !== undefined)?.firstError,
    joinMs: Math.max(...replies.map((reply) => reply.elapsedMs)),
    joinServerCpuMs: joinCpu.totalMicros / 1000,
    memory: { idle: idle.rssBytes, connected: withConnections.rssBytes },
  };
}

/** The figures of a run about its connections: how many, the join, and memory. */
export function connectionFigures(
  connected: ConnectedSubscribers,
  peakRssBytes: number,
): Pick<
  RunResult,
  | 'connected'
  | 'connectFailed'
  | 'identities'
  | 'memPerConnectionKB'
  | 'idleRssMB'
  | 'peakRssMB'
  | 'joinMs'
  | 'joinServerCpuMs'
> {
  return {
    connected: connected.connected,
    connectFailed: connected.connectFailed,
    identities: connected.prepared.identities,
    memPerConnectionKB:
      memoryPerConnectionBytes({
        idleRssBytes: connected.memory.idle,
        connectedRssBytes: connected.memory.connected,
        connections: connected.connected,
      }) / 1024,
    idleRssMB: connected.memory.idle / MB,
    peakRssMB: peakRssBytes / MB,
    joinMs: connected.joinMs,
    joinServerCpuMs: connected.joinServerCpuMs,
  };
}

/** The CPU time of every process of the target now: its servers, then the processes they use. */
export async function readTargetCpu(running: RunningTarget): Promise<CpuReading[]> {
  const services = (await running.listServiceProcesses?.()) ?? [];
  return readCpuReadings([
    ...running.servers.map((server) => ({ pid: server.pid, role: 'server' as const })),
    ...services,
  ]);
}
