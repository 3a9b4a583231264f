import { rm } from 'node:fs/promises';
import { API_PREFIX, AuthResponse, CLOSE_UNAUTHENTICATED } from '@tim/protocol';
import { withFreshDatabase } from '../support/postgres';
import { postToServer as post, useServerProcesses } from '../support/server-process';
import { makeTempDir } from '../support/start-server';
import { TestSocket } from '../support/ws';

/*
 * Two tim-code processes on one database and no Redis: a logout through one reaches the other
 * through the database's revocation feed. The other process's socket on that session closes
 * with 4401, and its cached session stops working.
 */
const servers = useServerProcesses();

function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
}

async function expectLogoutReachesTheOtherProcess(env: Record<string, string>): Promise<void> {
  const first = await servers.spawn(env);
  const second = await servers.spawn(env);
  const { session } = AuthResponse.parse(
    (await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body,
  );
  const meOnSecond = () =>
    fetch(`${second.baseUrl}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${session.key}` } });
  // The second process has now looked the key up (and may cache it) and holds a socket on it.
  expect((await meOnSecond()).status).toBe(200);
  const socket = await TestSocket.connect(second.wsUrl, session.key);
  servers.closeAfter(socket);

  const logout = await fetch(`${first.baseUrl}${API_PREFIX}/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.key}` },
  });
  expect(logout.status).toBe(204);

  expect((await within(socket.closed, 5000, "the close of the second process's socket")).code).toBe(
    CLOSE_UNAUTHENTICATED,
  );
  expect((await meOnSecond()).status).toBe(401);
  expect((await post(second, '/spaces/main/messages', { content: 'still here?' }, session.key)).status).toBe(401);
}

describe('a logout through one tim-code process, without Redis', () => {
  it("on one SQLite file: closes the other process's sockets on that session and ends its cached session", async () => {
    const dataDir = await makeTempDir();
    try {
      await expectLogoutReachesTheOtherProcess({ TIM_DATA_DIR: dataDir, TIM_REVOCATION_POLL_MS: '200' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('on one PostgreSQL database: the same', async () => {
    await withFreshDatabase(
      (url) =>
        expectLogoutReachesTheOtherProcess({
          TIM_DATA_DIR: '/nonexistent/tim',
          TIM_DATABASE_URL: url,
          TIM_REVOCATION_POLL_MS: '200',
        }),
      servers.stopServers,
    );
  }, 60_000);
});
