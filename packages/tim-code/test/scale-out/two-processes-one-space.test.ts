import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { API_PREFIX, AuthResponse, PresenceResponse, SendMessageResponse } from '@tim/protocol';
import { withFreshDatabase } from '../support/postgres';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, spawnServer, type ServerProcess } from '../support/server-process';
import { makeTempDir } from '../support/start-server';
import { collectUpdateIds, nextFrame, TestSocket } from '../support/ws';

/*
 * Scale-out: two tim-code processes on one database with Redis between them
 * (TIM_REDIS_URL). A subscriber of either process gets every message sent through either,
 * exactly once, in the order of the ids the database gave them. The database is one SQLite
 * file shared on one machine, or PostgreSQL (TIM_DATABASE_URL).
 */
const MESSAGES = 40;

const running: ServerProcess[] = [];
const sockets: TestSocket[] = [];
async function stopServers(): Promise<void> {
  for (const server of running.splice(0)) await server.stop();
}
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await stopServers();
});

async function expectBothProcessesDeliverEverything(env: Record<string, string>): Promise<void> {
  const first = await spawnServer(env);
  running.push(first);
  const second = await spawnServer(env);
  running.push(second);

  const registered = await post(first, '/register', { nick: 'ada', password: 'password-ada' });
  const { session } = AuthResponse.parse(registered.body);
  // A space created through the second process and used through both.
  const spaceId = `scale-${randomBytes(4).toString('hex')}`;
  expect((await post(second, '/spaces', { id: spaceId, name: 'Scale-out' }, session.key)).status).toBe(201);

  // Sessions live in the database: the key from the first process works on the second.
  for (const server of [first, second]) {
    const socket = await TestSocket.connect(server.wsUrl, session.key);
    sockets.push(socket);
    await socket.subscribe(spaceId);
  }

  // Alternating between the processes, all in flight at once.
  const answers = await Promise.all(
    Array.from({ length: MESSAGES }, (_, n) =>
      post(n % 2 === 0 ? first : second, `/spaces/${spaceId}/messages`, { content: `message ${n}` }, session.key),
    ),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(MESSAGES).fill(201));
  const ids = answers.map((answer) => SendMessageResponse.parse(answer.body).updateId).sort((x, y) => x - y);
  expect(ids).toEqual(Array.from({ length: MESSAGES }, (_, n) => n + 1));

  for (const socket of sockets) expect(await collectUpdateIds(socket, spaceId, MESSAGES)).toEqual(ids);
  for (const server of [first, second]) expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
}

describe('two tim-code processes with Redis between them', () => {
  it('on one SQLite file: every message sent through either reaches the subscribers of both, once and in order', async () => {
    const dataDir = await makeTempDir();
    try {
      await expectBothProcessesDeliverEverything({
        TIM_DATA_DIR: dataDir,
        TIM_REDIS_URL: TEST_REDIS_URL,
        TIM_REDIS_PREFIX: uniqueRedisPrefix(),
        TIM_RATE_MESSAGES: '1000000/1s',
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('on one PostgreSQL database: the same', async () => {
    await withFreshDatabase(
      // TIM_DATA_DIR points nowhere useful on purpose: with a database URL, nothing is written there.
      (url) =>
        expectBothProcessesDeliverEverything({
          TIM_DATA_DIR: '/nonexistent/tim',
          TIM_DATABASE_URL: url,
          TIM_REDIS_URL: TEST_REDIS_URL,
          TIM_REDIS_PREFIX: uniqueRedisPrefix(),
          TIM_RATE_MESSAGES: '1000000/1s',
        }),
      stopServers,
    );
  }, 60_000);
});

describe('two tim-code processes with Redis between them, rate limits', () => {
  it('give a timite one message budget across both processes', async () => {
    const dataDir = await makeTempDir();
    try {
      // A prefix of its own: rate counters in Redis outlive the processes (and other runs use timite 1 too).
      const env = {
        TIM_DATA_DIR: dataDir,
        TIM_REDIS_URL: TEST_REDIS_URL,
        TIM_REDIS_PREFIX: uniqueRedisPrefix(),
        TIM_RATE_MESSAGES: '4/1m',
      };
      const first = await spawnServer(env);
      running.push(first);
      const second = await spawnServer(env);
      running.push(second);
      const { session } = AuthResponse.parse(
        (await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body,
      );
      const statuses: number[] = [];
      for (let n = 0; n < 6; n += 1) {
        statuses.push(
          (await post(n % 2 === 0 ? first : second, '/spaces/main/messages', { content: `message ${n}` }, session.key))
            .status,
        );
      }
      expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('two tim-code processes with Redis between them, presence', () => {
  it('is one view: either process lists who is online on both, and online/offline come once per real change', async () => {
    const dataDir = await makeTempDir();
    try {
      const env = { TIM_DATA_DIR: dataDir, TIM_REDIS_URL: TEST_REDIS_URL, TIM_REDIS_PREFIX: uniqueRedisPrefix() };
      const first = await spawnServer(env);
      running.push(first);
      const second = await spawnServer(env);
      running.push(second);
      const ada = AuthResponse.parse((await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body);
      const bob = AuthResponse.parse((await post(first, '/register', { nick: 'bob', password: 'password-bob' })).body);

      const watcher = await TestSocket.connect(second.wsUrl, ada.session.key);
      sockets.push(watcher);
      await watcher.subscribe('main');
      const bobHere = await TestSocket.connect(first.wsUrl, bob.session.key);
      await bobHere.subscribe('main');
      await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'online' });

      const listed = await fetch(`${second.baseUrl}${API_PREFIX}/spaces/main/presence`, {
        headers: { authorization: `Bearer ${ada.session.key}` },
      });
      const nicks = PresenceResponse.parse(await listed.json()).timites.map((timite) => timite.nick);
      expect(nicks.sort()).toEqual(['ada', 'bob']);

      // Bob on both processes, then leaving one: still online, no event; leaving the other: offline.
      const bobThere = await TestSocket.connect(second.wsUrl, bob.session.key);
      await bobThere.subscribe('main');
      await bobHere.close();
      await bobThere.close();
      await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'offline' });
      // Markers: a newcomer through each process. Each process's events arrive in the order it
      // published them, so once both markers are here, any second event about bob would be too.
      for (const [server, nick] of [
        [first, 'cy'],
        [second, 'dee'],
      ] as const) {
        const newcomer = AuthResponse.parse(
          (await post(first, '/register', { nick, password: `password-${nick}` })).body,
        );
        const socket = await TestSocket.connect(server.wsUrl, newcomer.session.key);
        sockets.push(socket);
        await socket.subscribe('main');
        await nextFrame(watcher, { type: 'presence', timite: { nick }, state: 'online' });
      }
      expect(watcher.inbox.filter((frame) => frame.type === 'presence' && frame.timite.nick === 'bob')).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
