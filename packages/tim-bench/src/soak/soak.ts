import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_SPACE_ID } from '@tim/protocol';
import { readProcessMemory } from '../process-stats';
import type { ServerProcess } from '../targets/server-process';
import { forkTimServer, timCodeDir, timEndpoint } from '../targets/tim-server';
import { createSoakHttp, type SoakHttp } from './soak-http';
import { startPublisher } from './soak-publisher';
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from './soak-options';
import { formatSoakReport, summarizeSoak } from './soak-report';
import { createSubscriberSlot, type SubscriberSlot } from './subscriber-slot';

/*
 * The soak: starts the built server as the bench's tim target does (production flags and
 * environment, limits on messages, logins and registrations raised), holds many subscribed WebSocket connections, terminates
 * a share of them abruptly every few seconds and resumes replacements with `after`, while one
 * publisher sends messages over HTTP. At the end every subscriber must hold every update from
 * its first subscription on, once, in order. Loopback only; every loop is bounded by the
 * options and a watchdog.
 */

const PASSWORD = 'soak-password';
const REGISTER_CONCURRENCY = 8;
const CONNECT_BATCH = 100;
const DRAIN_POLL_MS = 100;

/** On top of the bench's: the soak measures fan-out and churn, not the abuse guards. */
const SOAK_SERVER_ENV = {
  // Slow-consumer closes are logged at info.
  TIM_LOG_LEVEL: 'info',
  // A churn round reconnects a fifth of all connections at once, from one address.
  TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: '100000',
};

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(run));
  }
}

async function registerSubscribers(http: SoakHttp, count: number): Promise<string[]> {
  const keys: string[] = new Array<string>(count);
  const indexes = Array.from({ length: count }, (_, index) => index);
  await inBatches(indexes, REGISTER_CONCURRENCY, async (index) => {
    keys[index] = await http.register(`soak-${index}`, PASSWORD);
  });
  return keys;
}

function pickRandom<T>(items: T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    const index = Math.floor(Math.random() * pool.length);
    picked.push(...pool.splice(index, 1));
  }
  return picked;
}

async function waitUntil(isDone: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
  return true;
}

async function runSoak(options: SoakOptions, server: ServerProcess): Promise<boolean> {
  const startedAt = Date.now();
  const endpoint = timEndpoint(server);
  const http = createSoakHttp(endpoint.baseUrl);
  const readRssBytes = async (): Promise<number> => (await readProcessMemory(server.pid)).rssBytes;
  const rssStartBytes = await readRssBytes();
  let rssPeakBytes = rssStartBytes;
  const sampleRss = async () => {
    rssPeakBytes = Math.max(rssPeakBytes, await readRssBytes());
  };

  const timiteCount = Math.ceil(options.connections / options.connectionsPerTimite);
  log(`registering ${timiteCount} timites and a publisher`);
  const keys = await registerSubscribers(http, timiteCount);
  const publisherKey = await http.register('soak-publisher', PASSWORD);

  const resumeFailures: string[] = [];
  const slots: SubscriberSlot[] = Array.from({ length: options.connections }, (_, index) =>
    createSubscriberSlot({
      wsUrl: endpoint.subscriberUrl,
      key: keys[Math.floor(index / options.connectionsPerTimite)] ?? publisherKey,
      spaceId: MAIN_SPACE_ID,
      connectTimeoutMs: 15_000,
      maxResumeAttempts: 10,
      onResumeFailed: (err) => resumeFailures.push(err.message),
    }),
  );
  log(`opening ${options.connections} connections`);
  await inBatches(slots, CONNECT_BATCH, (slot) => slot.connect());
  await sampleRss();
  log(`connected; sending ${options.messagesPerS} messages/s and churning for ${options.durationS} s`);

  const publisherErrors: string[] = [];
  const publisher = startPublisher({
    http,
    key: publisherKey,
    messagesPerS: options.messagesPerS,
    onError: (err) => publisherErrors.push(err.message),
  });
  let churnRounds = 0;
  const churnTimer = setInterval(() => {
    churnRounds += 1;
    const live = slots.filter((slot) => slot.isLive());
    for (const slot of pickRandom(live, Math.round(options.connections * options.churn))) slot.churn();
    sampleRss().catch((err: unknown) => resumeFailures.push(`reading the server's RSS: ${String(err)}`));
  }, options.churnEveryMs);

  await new Promise((resolve) => setTimeout(resolve, options.durationS * 1000));
  clearInterval(churnTimer);
  await publisher.stop();
  const finalHeadId = await http.readHeadId(publisherKey, MAIN_SPACE_ID);
  log(`traffic stopped at head id ${finalHeadId}; draining`);
  const drained = await waitUntil(
    () => slots.every((slot) => slot.isLive() && slot.lastId() >= finalHeadId),
    options.drainTimeoutS * 1000,
  );
  await sampleRss();
  const rssEndBytes = await readRssBytes();

  const report = summarizeSoak({
    options,
    elapsedS: (Date.now() - startedAt) / 1000,
    messagesAccepted: publisher.accepted(),
    messagesRefused: publisher.refused(),
    publisherSkipped: publisher.skipped(),
    finalHeadId,
    churnRounds,
    slots: slots.map((slot) => slot.figures()),
    resumeFailures,
    publisherErrors,
    publisherRetries: publisher.retries(),
    rssStartBytes,
    rssPeakBytes,
    rssEndBytes,
    drained,
    serverExited: server.hasExited(),
  });
  for (const slot of slots) slot.close();
  for (const line of formatSoakReport(report)) log(line);
  return report.ok;
}

async function main(): Promise<number> {
  let options: SoakOptions;
  try {
    options = parseSoakOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${SOAK_USAGE}\n`);
    return 2;
  }
  log(`soak: ${JSON.stringify(options)}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'tim-soak-'));
  // Exiting kills the server (@tim/process does on exit).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  // Whatever hangs, the run ends: traffic, drain, and three minutes for set-up and teardown.
  const watchdog = setTimeout(
    () => {
      process.stderr.write('soak: watchdog expired, killing the server\n');
      process.exit(3);
    },
    (options.durationS + options.drainTimeoutS + 180) * 1000,
  );
  watchdog.unref();

  let server: ServerProcess | undefined;
  try {
    server = await forkTimServer({
      codeDir: timCodeDir(),
      env: {
        ...SOAK_SERVER_ENV,
        TIM_DATA_DIR: dataDir,
        TIM_MAX_CONNECTIONS_PER_TIMITE: String(options.connectionsPerTimite),
      },
      processName: 'tim',
    });
    log(`server pid ${server.pid} on port ${server.port}`);
    const ok = await runSoak(options, server);
    return ok ? 0 : 1;
  } catch (err) {
    // The server's output went to stderr as it came.
    process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    await server?.stop(10_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak failed: ${String(err)}\n`);
    process.exit(1);
  },
);
