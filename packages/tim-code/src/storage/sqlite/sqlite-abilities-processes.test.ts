import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { createSqliteStorage as CreateSqliteStorage } from './sqlite-storage';

/**
 * The built store; turbo's test task builds first, by hand run `pnpm --filter @tim/code build`.
 * This test prepares and checks the file with it too, so that all three processes run one
 * version of the schema.
 */
const BUILT_STORE = join(__dirname, '..', '..', '..', 'dist', 'storage', 'sqlite', 'sqlite-storage.js');

function builtStore(): typeof CreateSqliteStorage {
  const loaded = createRequire(__filename)(BUILT_STORE) as { createSqliteStorage: typeof CreateSqliteStorage };
  return loaded.createSqliteStorage;
}

interface RacingProcess {
  /** Resolves once the process has opened the store. */
  ready: Promise<void>;
  /** Lets it run its part. */
  go(): void;
  /** What the store answered it, as JSON. */
  done: Promise<unknown>;
}

/**
 * A node process that opens the same file with the built store, says it is ready, and on
 * `go` runs `part` (which pushes onto `results`) and prints the results. The calls' deadlines
 * are long past at `now`.
 */
function startProcess(file: string, now: number, part: string): RacingProcess {
  const script = `
    const { createSqliteStorage } = require(${JSON.stringify(BUILT_STORE)});
    const storage = createSqliteStorage({ file: ${JSON.stringify(file)} });
    const now = ${now};
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => {
      try {
        const results = [];
        ${part}
        await storage.close();
        process.stdout.write(JSON.stringify(results));
        process.exit(0);
      } catch (err) {
        process.stderr.write(String(err && err.stack));
        process.exit(1);
      }
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  let failReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<unknown>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      // Settles nothing when the process was ready already.
      failReady(new Error(`The process exited with ${code} before it was ready: ${err}`));
      if (code !== 0) reject(new Error(`The process exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.slice('ready\n'.length)));
    });
  });
  return { ready, go: () => child.stdin.write('go\n'), done };
}

describe('createSqliteStorage: answers and timeout sweeps of two processes racing for the same calls', () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(BUILT_STORE)) throw new Error(`${BUILT_STORE} is missing: run \`pnpm --filter @tim/code build\`.`);
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-race-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records exactly one outcome per call, and the loser of each race reads the winner', async () => {
    const file = join(dir, 'tim.db');
    const createSqliteStorage = builtStore();
    const storage = createSqliteStorage({ file });
    const ann = await storage.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'x' });
    const bot = await storage.createTimite({ nick: 'bot', kind: 'agent', passwordHash: null });
    if (!ann.created || !bot.created) throw new Error('createTimite failed');
    const start = Date.now();
    const callIds: number[] = [];
    for (let n = 0; n < 300; n += 1) {
      const call = await storage.appendAbilityCall({
        spaceId: 'main',
        callerId: ann.timite.id,
        targetId: bot.timite.id,
        ability: 'search',
        arguments: { n },
        createdAt: new Date(start),
        deadline: new Date(start + n),
        maxAgentStreak: 10,
      });
      if (call.outcome !== 'created') throw new Error(`call ${n}: ${call.outcome}`);
      callIds.push(call.update.id);
    }
    await storage.close();

    const now = Date.now() + 60_000;
    // Both go oldest first, one call at a time, so that each call is contested.
    const answering = startProcess(
      file,
      now,
      `for (const callId of ${JSON.stringify(callIds)}) {
         results.push(await storage.appendAbilityOutcome({ spaceId: 'main', callId, answererId: ${bot.timite.id},
           status: 'ok', result: callId, createdAt: new Date(now) }));
       }`,
    );
    const sweeping = startProcess(
      file,
      now,
      `for (;;) {
         const batch = await storage.recordTimeouts(new Date(now), 1);
         if (batch.length === 0) break;
         results.push(...batch);
       }`,
    );
    await Promise.all([answering.ready, sweeping.ready]);
    answering.go();
    sweeping.go();
    const [answered, swept] = await Promise.all([answering.done, sweeping.done]);
    const answers = answered as Array<{ outcome: string; update?: { event: { callId: number; status: string } } }>;
    const timedOut = swept as Array<{ id: number; event: { callId: number; status: string } }>;
    const created = answers.filter((result) => result.outcome === 'created');
    const refused = answers.filter((result) => result.outcome === 'already_answered');
    expect(created.length + refused.length).toBe(callIds.length);
    expect(created.length + timedOut.length).toBe(callIds.length);
    expect(new Set(timedOut.map((update) => update.event.callId)).size).toBe(timedOut.length);
    for (const result of refused) expect(timedOut).toContainEqual(result.update);

    const reopened = createSqliteStorage({ file });
    try {
      expect(await reopened.headId('main')).toBe(callIds.length * 2);
      const outcomes = (await reopened.readUpdates('main', { after: callIds.length, limit: 1000 })).map(
        (update) => (update.event as { callId?: number }).callId,
      );
      expect([...outcomes].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(callIds);
    } finally {
      await reopened.close();
    }
  });
});
