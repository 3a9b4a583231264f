import { rm } from 'node:fs/promises';
import { API_PREFIX, AuthResponse, PresenceResponse } from '@tim/protocol';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, spawnServer, type ServerProcess } from '../support/server-process';
import { makeTempDir } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Presence when one of several tim-code processes with Redis between them is killed with
 * SIGKILL, so it cleans nothing up. Once its liveness lapses, the timites only it held go
 * offline for the subscribers of every surviving process, once each; a timite also held by a
 * survivor stays online. Short liveness and sweep settings keep the wait near a second.
 */
const LIVENESS_MS = 1000;
const SWEEP_MS = 100;

const running: ServerProcess[] = [];
const sockets: TestSocket[] = [];
let dataDir: string;
beforeEach(async () => {
  dataDir = await makeTempDir();
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  for (const server of running.splice(0)) await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer(env);
  running.push(server);
  return server;
}

async function subscribed(server: ServerProcess, key: string): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, key);
  sockets.push(socket);
  await socket.subscribe('main');
  return socket;
}

/** The survivor's own count of completed presence sweeps, from /metrics. */
async function presenceSweeps(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return Number(/^tim_presence_sweeps_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function waitForCount(read: () => Promise<number>, atLeast: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await read()) < atLeast) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for a count of ${atLeast}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function offlineFrames(socket: TestSocket) {
  return socket.inbox.filter((frame) => frame.type === 'presence' && frame.state === 'offline');
}

describe('tim-code processes with Redis between them, when one is killed', () => {
  it('send one offline per timite only the killed process held, through every survivor, and none for the others', async () => {
    const env = {
      TIM_DATA_DIR: dataDir,
      TIM_REDIS_URL: TEST_REDIS_URL,
      TIM_REDIS_PREFIX: uniqueRedisPrefix(),
      TIM_PRESENCE_LIVENESS_MS: String(LIVENESS_MS),
      TIM_PRESENCE_SWEEP_MS: String(SWEEP_MS),
    };
    const victim = await start(env);
    const survivors = [await start(env), await start(env)] as const;
    const [ada, bob, carol] = await Promise.all(
      ['ada', 'bob', 'carol'].map(async (nick) =>
        AuthResponse.parse((await post(victim, '/register', { nick, password: `password-${nick}` })).body),
      ),
    );
    if (ada === undefined || bob === undefined || carol === undefined)
      throw new Error('registration answered too few sessions');

    // Ada watches through both survivors; bob is only on the victim; carol on the victim and a survivor.
    const watchers = await Promise.all(survivors.map((survivor) => subscribed(survivor, ada.session.key)));
    await subscribed(victim, bob.session.key);
    await subscribed(victim, carol.session.key);
    await subscribed(survivors[0], carol.session.key);
    for (const watcher of watchers) {
      await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'online' });
      await nextFrame(watcher, { type: 'presence', timite: { nick: 'carol' }, state: 'online' });
    }

    expect((await victim.stop({ signal: 'SIGKILL' })).signal).toBe('SIGKILL');
    for (const watcher of watchers) {
      await nextFrame(
        watcher,
        { type: 'presence', spaceId: 'main', timite: { nick: 'bob', id: bob.timite.id }, state: 'offline' },
        10 * LIVENESS_MS,
      );
    }
    // Both survivors sweep twice more (their own counters say so): a second offline would have come.
    const sweepsSoFar = await Promise.all(survivors.map(presenceSweeps));
    for (const [index, survivor] of survivors.entries()) {
      await waitForCount(() => presenceSweeps(survivor), (sweepsSoFar[index] ?? 0) + 2, 10 * LIVENESS_MS);
    }
    for (const watcher of watchers) expect(offlineFrames(watcher)).toEqual([]);

    for (const survivor of survivors) {
      const listed = await fetch(`${survivor.baseUrl}${API_PREFIX}/spaces/main/presence`, {
        headers: { authorization: `Bearer ${ada.session.key}` },
      });
      expect(
        PresenceResponse.parse(await listed.json())
          .timites.map((timite) => timite.nick)
          .sort(),
      ).toEqual(['ada', 'carol']);
    }
  }, 60_000);
});
