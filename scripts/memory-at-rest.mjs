#!/usr/bin/env node
// Re-takes the "Memory at rest" figures of docs/performance-notes.md. Starts the built tim-code
// server as `pnpm start` does (its SERVER_NODE_FLAGS and SERVER_ENV, read from the build), on
// SQLite in a temporary directory with nobody connected; reads its memory from /proc/<pid>/status
// a second after it listens and again once V8 has settled; registers timites over HTTP, and reads
// right after and settled again. Linux only. Build first: pnpm exec turbo run build --filter=@tim/code --filter=@tim/process
//
//   node scripts/memory-at-rest.mjs [--registrations 1000] [--concurrency 4] [--without-server-env]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startProcess, waitForListening } from '@tim/process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = join(root, 'packages/tim-code/dist/cli.js');
const { SERVER_ENV, SERVER_NODE_FLAGS } = createRequire(import.meta.url)(
  join(root, 'packages/tim-code/dist/server-node-flags.js'),
);

const { values: options } = parseArgs({
  options: {
    registrations: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    'without-server-env': { type: 'boolean', default: false },
  },
});
const registrations = Number(options.registrations);
const concurrency = Number(options.concurrency);
/**
 * V8 gives back the young generation it grew during a busy phase, and the old space's garbage,
 * only when its memory reducer runs: 8 s or more after the phase's last major GC, at the latest
 * after its 100 s watchdog. The server runs with --trace-gc, so "settled" is a reducing GC seen,
 * then 3 s without any GC.
 */
const SETTLE_LIMIT_MS = 120_000;
const QUIET_AFTER_REDUCING_MS = 3000;

const STATUS_FIELDS = ['VmRSS', 'RssAnon', 'RssFile', 'VmHWM'];

/** The status fields in MB, from /proc/<pid>/status. */
function readMemoryMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return STATUS_FIELDS.map((field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024);
}

async function startServer(dataDir) {
  const env = {
    ...process.env,
    ...(options['without-server-env'] ? {} : SERVER_ENV),
    TIM_HOST: '127.0.0.1',
    TIM_PORT: '0',
    TIM_DATA_DIR: dataDir,
    TIM_LOG_LEVEL: 'warn',
    TIM_RATE_REGISTER: '1000000/1s',
  };
  const gcs = { reducing: 0, lastAtMs: 0 };
  const server = await startProcess({
    name: 'tim-code',
    args: [...SERVER_NODE_FLAGS, '--trace-gc', cliPath, 'serve'],
    env,
    // --trace-gc writes to stdout; the server's own warnings go on to stderr.
    onLine: (line, stream) => {
      if (stream === 'stderr') process.stderr.write(`${line}\n`);
      if (!/ ms: (Scavenge|Mark-Compact)/.test(line)) return;
      gcs.lastAtMs = Date.now();
      if (line.includes('(reduce)')) gcs.reducing += 1;
    },
    ready: (started) => waitForListening(started),
  });
  return { server, gcs };
}

/** Waits for V8's memory reducer (see SETTLE_LIMIT_MS); answers the seconds waited, or undefined past the limit. */
async function settle(gcs) {
  const startedAtMs = Date.now();
  const reducingBefore = gcs.reducing;
  while (Date.now() - startedAtMs < SETTLE_LIMIT_MS) {
    await delay(250);
    if (gcs.reducing > reducingBefore && Date.now() - gcs.lastAtMs >= QUIET_AFTER_REDUCING_MS)
      return Math.round((Date.now() - startedAtMs) / 1000);
  }
  return undefined;
}

async function register(baseUrl, count) {
  let next = 0;
  const password = randomBytes(12).toString('hex');
  async function worker() {
    while (next < count) {
      const nick = `rest${next++}`;
      const response = await fetch(`${baseUrl}/api/v1/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nick, password }),
      });
      if (response.status !== 201) throw new Error(`registering ${nick}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const dataDir = mkdtempSync(join(tmpdir(), 'tim-memory-at-rest-'));
const { server, gcs } = await startServer(dataDir);
const baseUrl = server.ready;
const rows = [];
const take = (moment) => rows.push([moment, ...readMemoryMB(server.pid)]);
const settled = (seconds) =>
  seconds === undefined ? `no reducing GC within ${SETTLE_LIMIT_MS / 1000} s` : `settled after ${seconds} s`;
try {
  // The decoy password hash that login compares unknown nicks against is made at start.
  await delay(1000);
  take('1 s after listening');
  take(`idle, ${settled(await settle(gcs))}`);
  await register(baseUrl, registrations);
  take(`right after ${registrations} registrations`);
  take(`idle, ${settled(await settle(gcs))}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const flags = [
  ...(options['without-server-env'] ? [] : Object.entries(SERVER_ENV).map(([name, value]) => `${name}=${value}`)),
  'node',
  ...SERVER_NODE_FLAGS,
  '--trace-gc',
];
process.stdout.write(`${flags.join(' ')} cli.js serve, ${concurrency} registrations at a time\n\n`);
process.stdout.write(
  `| moment | ${STATUS_FIELDS.map((field) => `${field} MB`).join(' | ')} |\n| --- |${' ---: |'.repeat(STATUS_FIELDS.length)}\n`,
);
for (const [moment, ...figures] of rows)
  process.stdout.write(`| ${moment} | ${figures.map((mb) => mb.toFixed(1)).join(' | ')} |\n`);
