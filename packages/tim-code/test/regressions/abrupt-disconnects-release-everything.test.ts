import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { register } from '../support/http';
import { startServer, UNLIMITED_RATES, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Connections that die without a close frame must give back everything they held. The
 * prototype kept a subscriber entry (and its socket) for every peer that dropped, so memory
 * and presence grew forever.
 */
const CYCLES = 1000;
const PARALLEL = 20;
/**
 * Retained-heap growth allowed over 1000 cycles, about 4 KiB a cycle. Measured: 0.6–0.9 MiB.
 * Keeping merely each cycle's closed client socket alive measured 4.8 MiB and fails it.
 */
const HEAP_GROWTH_BOUND_BYTES = 4 * 1024 * 1024;
/** Declared by every connection: a declaration must go with its connection too. */
const ECHO = { name: 'echo', description: 'Says it back.', parameters: { type: 'object' } } as const;

function exposeGc(): () => void {
  const exposed = global.gc;
  if (exposed) return () => void exposed();
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeapBytes(gc: () => void): Promise<number> {
  for (let round = 0; round < 3; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

let server: TestServer;
beforeAll(async () => {
  // Unlimited rates: every cycle declares, which spends the activity budget.
  server = await startServer({ config: { ...UNLIMITED_RATES, maxConnectionsPerTimite: PARALLEL } });
});
afterAll(async () => {
  await server.close();
});

async function cycle(key: string): Promise<void> {
  const socket = await TestSocket.connect(server.wsUrl, key);
  await socket.subscribe('main');
  socket.send({ type: 'unread_subscribe' });
  await nextFrame(socket, { type: 'unread_subscribed' });
  socket.send({ type: 'abilities_declare', spaceId: 'main', abilities: [ECHO] });
  await nextFrame(socket, { type: 'abilities_declared' });
  socket.ws.terminate();
  await socket.closed;
}

async function runCycles(key: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += PARALLEL) {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, count - done) }, () => cycle(key)));
  }
}

describe('connect, subscribe and abrupt kill, 1000 times', () => {
  it('returns the connection, subscription and presence registries to zero and keeps the heap bounded', async () => {
    const gc = exposeGc();
    const member = await register(server, 'churn');
    const drained = () => server.app.stats().connections === 0;

    await runCycles(member.key, 100); // warm-up: JIT, pools and caches reach their size
    await waitFor(drained, 'connections to drain after the warm-up');
    const heapBefore = await settledHeapBytes(gc);

    await runCycles(member.key, CYCLES);
    await waitFor(drained, 'connections to drain after 1000 cycles', 10_000);
    expect(server.app.stats()).toEqual({
      connections: 0,
      subscriptions: 0,
      presenceEntries: 0,
      hubSpaces: 0,
      hubSubscriptions: 0,
      pendingFrames: 0,
      unauthenticatedSockets: 0,
      unreadWatchers: 0,
      abilityDeclarations: 0,
    });

    const growth = (await settledHeapBytes(gc)) - heapBefore;
    process.stdout.write(`heap growth over ${CYCLES} abrupt-kill cycles: ${(growth / 1024).toFixed(0)} KiB\n`);
    expect(growth).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
  }, 120_000);
});
