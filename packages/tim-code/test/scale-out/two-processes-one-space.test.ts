import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { AuthResponse, SendMessageResponse } from '@tim/protocol';
import { TEST_REDIS_URL } from '../support/redis';
import { postToServer as post, spawnServer, type ServerProcess } from '../support/server-process';
import { makeTempDir } from '../support/start-server';
import { collectUpdateIds, TestSocket } from '../support/ws';

/*
 * Scale-out: two tim-code processes on one database (the same SQLite file, in WAL mode) with
 * Redis between them (TIM_REDIS_URL). A subscriber of either process gets every message sent
 * through either, exactly once, in the order of the ids the database gave them.
 */
const MESSAGES = 40;

describe('two tim-code processes, one database, Redis between them', () => {
  let dataDir: string;
  const running: ServerProcess[] = [];
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    dataDir = await makeTempDir();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    for (const server of running) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers every message sent through either process to the subscribers of both, once and in order', async () => {
    const env = { TIM_DATA_DIR: dataDir, TIM_REDIS_URL: TEST_REDIS_URL, TIM_RATE_MESSAGES: '1000000/1s' };
    const first = await spawnServer(env);
    running.push(first);
    const second = await spawnServer(env);
    running.push(second);

    const registered = await post(first, '/register', { nick: 'ada', password: 'password-ada' });
    const { session } = AuthResponse.parse(registered.body);
    // A space of its own, so its Redis channel is this test's alone however many runs share Redis.
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
      Array.from({ length: MESSAGES }, (_, n) => post(n % 2 === 0 ? first : second, `/spaces/${spaceId}/messages`, { content: `message ${n}` }, session.key)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(MESSAGES).fill(201));
    const ids = answers.map((answer) => SendMessageResponse.parse(answer.body).updateId).sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: MESSAGES }, (_, n) => n + 1));

    for (const socket of sockets) expect(await collectUpdateIds(socket, spaceId, MESSAGES)).toEqual(ids);
    for (const server of [first, second]) expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
  }, 60_000);
});
