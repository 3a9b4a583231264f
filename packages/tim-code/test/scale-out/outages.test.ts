import { API_PREFIX, AuthResponse, SendMessageResponse } from '@tim/protocol';
import { startOwnPostgres, startOwnRedis, type OwnService } from '../support/own-services';
import { withFreshDatabase } from '../support/postgres';
import { uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, spawnServer, type ServerProcess } from '../support/server-process';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * Nothing stalls: real tim-code processes while the Redis or PostgreSQL they use goes away
 * and comes back. Both are instances of the test's own, never the machine's shared ones.
 */

const running: ServerProcess[] = [];
const sockets: TestSocket[] = [];
const services: OwnService[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  for (const server of running.splice(0)) await server.stop();
  await Promise.all(services.splice(0).map((service) => service.close()));
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer({ TIM_RATE_MESSAGES: '100000/1s', TIM_RATE_REGISTER: '100000/1s', ...env });
  running.push(server);
  return server;
}

async function readyz(server: ServerProcess): Promise<number> {
  return (await fetch(`${server.baseUrl}/readyz`)).status;
}

/** Polls until `condition` holds; the timeout names what was awaited. */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function sendText(server: ServerProcess, key: string, content: string): Promise<number> {
  const answer = await post(server, '/spaces/main/messages', { content }, key);
  expect(answer.status).toBe(201);
  return SendMessageResponse.parse(answer.body).updateId;
}

describe('a Redis outage', () => {
  it('keeps live delivery on each process, and a process that missed messages catches up when Redis returns, with no new message', async () => {
    const redis = await startOwnRedis();
    services.push(redis);
    await withFreshDatabase(
      async (databaseUrl) => {
        const env = { TIM_DATABASE_URL: databaseUrl, TIM_REDIS_URL: redis.url, TIM_REDIS_PREFIX: uniqueRedisPrefix() };
        const first = await start(env);
        const second = await start(env);
        const { session } = AuthResponse.parse(
          (await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body,
        );
        const [onFirst, onSecond] = await Promise.all(
          [first, second].map((server) => TestSocket.connect(server.wsUrl, session.key)),
        );
        if (onFirst === undefined || onSecond === undefined) throw new Error('no sockets');
        sockets.push(onFirst, onSecond);
        await Promise.all([onFirst.subscribe('main'), onSecond.subscribe('main')]);
        const before = await sendText(first, session.key, 'before the outage');
        for (const socket of [onFirst, onSecond]) expect(await collectUpdateIds(socket, 'main', 1)).toEqual([before]);

        await redis.stop();
        await eventually(
          async () => (await readyz(first)) === 503 && (await readyz(second)) === 503,
          '/readyz to say 503 on both',
        );

        // Each process's own subscribers get its messages live, through the outage.
        const viaFirst = await sendText(first, session.key, 'during the outage, through the first');
        expect(await collectUpdateIds(onFirst, 'main', 1, 3000)).toEqual([viaFirst]);
        // The second's own message shows it a gap, which it fills from storage.
        const viaSecond = await sendText(second, session.key, 'during the outage, through the second');
        expect(await collectUpdateIds(onSecond, 'main', 2, 3000)).toEqual([viaFirst, viaSecond]);

        await redis.start();
        // Nothing is posted after the return: the first finds what the second stored.
        expect(await collectUpdateIds(onFirst, 'main', 1, 15_000)).toEqual([viaSecond]);
        await eventually(
          async () => (await readyz(first)) === 200 && (await readyz(second)) === 200,
          '/readyz to say 200 on both',
        );

        const after = await sendText(second, session.key, 'after the outage');
        for (const socket of [onFirst, onSecond]) expect(await collectUpdateIds(socket, 'main', 1)).toEqual([after]);
        for (const socket of [onFirst, onSecond]) expect(socket.takeUpdateIds('main')).toEqual([]);
      },
      async () => {
        await Promise.all(sockets.splice(0).map((socket) => socket.close()));
        for (const server of running.splice(0)) await server.stop();
      },
    );
  }, 60_000);
});

describe('a PostgreSQL outage', () => {
  it('answers posts 503 with Retry-After at once, writes nothing half, and recovers without a restart', async () => {
    const postgres = await startOwnPostgres();
    services.push(postgres);
    const server = await start({ TIM_DATABASE_URL: postgres.url });
    const { session } = AuthResponse.parse(
      (await post(server, '/register', { nick: 'bea', password: 'password-bea' })).body,
    );
    const socket = await TestSocket.connect(server.wsUrl, session.key);
    sockets.push(socket);
    await socket.subscribe('main');
    const before = await sendText(server, session.key, 'before the outage');
    expect(await collectUpdateIds(socket, 'main', 1)).toEqual([before]);

    await postgres.stop();
    const startedAt = Date.now();
    const refused = await fetch(`${server.baseUrl}${API_PREFIX}/spaces/main/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.key}` },
      body: JSON.stringify({ content: 'during the outage', clientMsgId: 'outage-1' }),
    });
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(await readyz(server)).toBe(503);

    await postgres.start();
    await eventually(async () => (await readyz(server)) === 200, '/readyz to say 200');
    // The retry the client was asked for stores the message once.
    const retried = await post(
      server,
      '/spaces/main/messages',
      { content: 'during the outage', clientMsgId: 'outage-1' },
      session.key,
    );
    expect(retried.status).toBe(201);
    const { updateId } = SendMessageResponse.parse(retried.body);
    expect(updateId).toBe(before + 1);
    expect(await collectUpdateIds(socket, 'main', 1)).toEqual([updateId]);
    const history = await fetch(`${server.baseUrl}${API_PREFIX}/spaces/main/updates?after=0`, {
      headers: { authorization: `Bearer ${session.key}` },
    });
    const { updates } = (await history.json()) as { updates: Array<{ id: number }> };
    expect(updates.map((update) => update.id)).toEqual([before, updateId]);
    expect(server.hasExited()).toBe(false);
  }, 60_000);
});
