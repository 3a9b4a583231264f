import { rm } from 'node:fs/promises';
import { API_PREFIX, AuthResponse, CLOSE_GOING_AWAY } from '@tim/protocol';
import { makeTempDir } from '../support/start-server';
import { spawnServer } from '../support/server-process';
import { TestSocket } from '../support/ws';

describe('graceful shutdown', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeTempDir();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s closes sockets with 1001 and exits 0 within 10 s',
    async (signal) => {
      const server = await spawnServer({ TIM_DATA_DIR: dataDir });
      const answer = await fetch(`${server.baseUrl}${API_PREFIX}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nick: `ada-${signal}`, password: 'password-ada' }),
      });
      const { session } = AuthResponse.parse(await answer.json());
      const sockets = await Promise.all([1, 2, 3].map(() => TestSocket.connect(server.wsUrl, session.key)));
      await Promise.all(sockets.map((socket) => socket.subscribe('main')));

      const started = Date.now();
      server.child.kill(signal);
      const closes = await Promise.all(sockets.map((socket) => socket.closed));
      expect(closes.map(({ code }) => code)).toEqual([CLOSE_GOING_AWAY, CLOSE_GOING_AWAY, CLOSE_GOING_AWAY]);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(10_000);
    },
    30_000,
  );
});
