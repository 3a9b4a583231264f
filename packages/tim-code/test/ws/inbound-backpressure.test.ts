import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { MAX_PENDING_FRAMES } from '../../src/transport/ws/connection';
import { register } from '../support/http';
import { startServer, UNLIMITED_RATES, waitFor, type TestServer } from '../support/start-server';

/*
 * A peer that sends frames faster than the server handles them must meet TCP backpressure,
 * not grow the server's memory: past MAX_PENDING_FRAMES the server stops reading its socket
 * until the backlog drains. Storage answers space lookups 1 ms late here (as a database over
 * a network would), so handling is slower than sending and a backlog can build.
 */
const FLOOD_FRAMES = 6000;
/** One 64 KiB socket read holds about 1200 of these frames: the most one read can add. */
const BACKLOG_BOUND = MAX_PENDING_FRAMES + 1500;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    config: UNLIMITED_RATES,
    wrapStorage: (storage) => ({
      ...storage,
      getSpaceAccess: async (spaceId, timiteId) => {
        await delay(1);
        return storage.getSpaceAccess(spaceId, timiteId);
      },
    }),
  });
});
afterAll(async () => {
  await server.close();
});

describe('a peer that floods frames', () => {
  it('is read only as fast as its frames are handled; every frame is still answered, in order', async () => {
    const ada = await register(server, 'ada');
    const ws = new WebSocket(server.wsUrl);
    const answers: string[] = [];
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { type: string; message?: string };
      if (frame.type === 'ready') {
        for (let n = 0; n < FLOOD_FRAMES; n += 1)
          ws.send(JSON.stringify({ type: 'subscribe', spaceId: `nowhere-${n}` }));
        return;
      }
      answers.push(frame.message ?? frame.type);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'auth', key: ada.key }));

    let largestBacklog = 0;
    const sampler = setInterval(() => {
      largestBacklog = Math.max(largestBacklog, server.app.stats().pendingFrames);
    }, 1);
    await waitFor(() => answers.length === FLOOD_FRAMES, 'every flooded frame to be answered', 30_000);
    clearInterval(sampler);

    expect(largestBacklog).toBeGreaterThan(0);
    expect(largestBacklog).toBeLessThanOrEqual(BACKLOG_BOUND);
    expect(answers).toEqual(Array.from({ length: FLOOD_FRAMES }, (_, n) => `There is no space "nowhere-${n}".`));
    expect(server.app.stats().pendingFrames).toBe(0);
    ws.close();
  }, 40_000);
});
