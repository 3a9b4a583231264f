import type { Timite } from '@tim/protocol';
import type { Redis } from 'ioredis';
import { DEFAULT_PRESENCE_LIVENESS_MS } from '../config';
import { openCrashableDirectory, type CrashableDirectory } from '../../test/support/presence-processes';
import { connectTestRedis, uniqueRedisPrefix } from '../../test/support/redis';
import { createLocalPresenceDirectory, type PresenceChange, type PresenceDirectory } from './presence-directory';
import { createRedisPresenceDirectory } from './redis-presence-directory';

const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };
const bob: Timite = { id: 2, nick: 'bob', kind: 'human' };
const carol: Timite = { id: 3, nick: 'carol', kind: 'agent' };
const nothingHeld = () => [];

let client: Redis;
beforeAll(async () => {
  client = await connectTestRedis();
});
afterAll(async () => {
  await client.quit();
});

const directories: PresenceDirectory[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => directory.close()));
});

async function redisDirectory(keyPrefix: string): Promise<PresenceDirectory> {
  const directory = await createRedisPresenceDirectory({ client, keyPrefix, livenessMs: DEFAULT_PRESENCE_LIVENESS_MS });
  directories.push(directory);
  return directory;
}

const crashables: CrashableDirectory[] = [];
afterEach(async () => {
  await Promise.all(crashables.splice(0).map((crashable) => crashable.close()));
});

async function crashableDirectory(keyPrefix: string, livenessMs?: number): Promise<CrashableDirectory> {
  const crashable = await openCrashableDirectory(client, keyPrefix, livenessMs);
  crashables.push(crashable);
  return crashable;
}

function byPair(changes: PresenceChange[]): PresenceChange[] {
  return [...changes].sort((a, b) => a.spaceId.localeCompare(b.spaceId) || a.timite.id - b.timite.id);
}

/** A process on its own sees every arrival and departure as a change, whatever the store. */
describe.each([
  ['local', async () => createLocalPresenceDirectory()],
  ['redis', () => redisDirectory(uniqueRedisPrefix())],
])('a %s presence directory alone', (_, open) => {
  it('calls each arrival and departure a change, and lists those online here', async () => {
    const directory = await open();
    expect((await directory.arrived('main', ada)).changed).toBe(true);
    expect(await directory.online('main', [ada])).toEqual([ada]);
    expect((await directory.departed('main', ada)).changed).toBe(true);
    expect(await directory.online('main', [])).toEqual([]);
    expect(await directory.sweep(nothingHeld)).toEqual([]);
  });
});

describe('createRedisPresenceDirectory across processes', () => {
  it('makes only the first arrival and the last departure of a timite a change', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [one, two] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    expect((await one.arrived('main', ada)).changed).toBe(true);
    expect((await two.arrived('main', ada)).changed).toBe(false);
    expect((await one.departed('main', ada)).changed).toBe(false);
    expect((await two.departed('main', ada)).changed).toBe(true);
    // Another space is another question.
    expect((await two.arrived('other', ada)).changed).toBe(true);
  });

  it("counts the space's memberships on every process with each decision", async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [one, two] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    expect(await one.arrived('main', ada)).toEqual({ changed: true, members: 1 });
    expect(await two.arrived('main', bob)).toEqual({ changed: true, members: 2 });
    expect(await two.arrived('main', ada)).toEqual({ changed: false, members: 3 });
    expect(await one.departed('main', ada)).toEqual({ changed: false, members: 2 });
  });

  it('lists who is online on any process, once each, by id', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [one, two] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    await two.arrived('main', bob);
    await one.arrived('main', ada);
    await two.arrived('main', ada);
    expect(await one.online('main', [ada])).toEqual([ada, bob]);
    expect(await two.online('main', [bob, ada])).toEqual([ada, bob]);
  });

  it('forgets a process whose liveness lapsed, as after a crash', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [crashed, alive] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    await crashed.arrived('main', ada);
    // The crashed process can no longer renew its liveness key; it lapses.
    const [field] = await client.hkeys(`${keyPrefix}presence:main`);
    const crashedProcess = field?.split('|')[0];
    expect(await client.del(`${keyPrefix}process:${crashedProcess ?? ''}`)).toBe(1);
    expect(await alive.online('main', [])).toEqual([]);
    expect((await alive.arrived('main', ada)).changed).toBe(true);
  });
});

describe('createRedisPresenceDirectory sweeping after a process crashed', () => {
  it('reports offline exactly the timites only the crashed process held, once', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    const crashed = await crashableDirectory(keyPrefix);
    await crashed.directory.arrived('main', ada);
    await crashed.directory.arrived('main', bob);
    await crashed.directory.arrived('other', ada);
    await alive.arrived('main', bob);
    expect(await alive.sweep(nothingHeld)).toEqual([]);

    crashed.crash();
    await crashed.lapse();
    expect(byPair(await alive.sweep(nothingHeld))).toEqual([
      { spaceId: 'main', timite: ada, state: 'offline' },
      { spaceId: 'other', timite: ada, state: 'offline' },
    ]);
    expect(await alive.sweep(nothingHeld)).toEqual([]);
    expect(await alive.online('main', [bob])).toEqual([bob]);
    expect(await alive.online('other', [])).toEqual([]);
  });

  it('notices the lapse once the liveness key expires by itself', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    const crashed = await crashableDirectory(keyPrefix, 300);
    await crashed.directory.arrived('main', ada);
    crashed.crash();
    let changes = await alive.sweep(nothingHeld);
    // Polls until the key expires; the test's timeout bounds the wait.
    while (changes.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      changes = await alive.sweep(nothingHeld);
    }
    expect(changes).toEqual([{ spaceId: 'main', timite: ada, state: 'offline' }]);
    expect(await client.exists(crashed.livenessKey)).toBe(0);
  });

  it('gives each offline to exactly one of several survivors sweeping at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const keyPrefix = uniqueRedisPrefix();
      const survivors = [
        await redisDirectory(keyPrefix),
        await redisDirectory(keyPrefix),
        await redisDirectory(keyPrefix),
      ];
      const crashed = await crashableDirectory(keyPrefix);
      for (const timite of [ada, bob, carol]) await crashed.directory.arrived('main', timite);
      await survivors[1]?.arrived('main', carol);
      crashed.crash();
      await crashed.lapse();
      const changes = (await Promise.all(survivors.map((survivor) => survivor.sweep(nothingHeld)))).flat();
      expect(byPair(changes)).toEqual([
        { spaceId: 'main', timite: ada, state: 'offline' },
        { spaceId: 'main', timite: bob, state: 'offline' },
      ]);
    }
  });

  it('reports a timite once when every process that held it crashed', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    const crashedOne = await crashableDirectory(keyPrefix);
    const crashedTwo = await crashableDirectory(keyPrefix);
    await crashedOne.directory.arrived('main', ada);
    await crashedTwo.directory.arrived('main', ada);
    for (const crashed of [crashedOne, crashedTwo]) {
      crashed.crash();
      await crashed.lapse();
    }
    expect(await alive.sweep(nothingHeld)).toEqual([{ spaceId: 'main', timite: ada, state: 'offline' }]);
    expect(await alive.sweep(nothingHeld)).toEqual([]);
  });

  it('leaves the offline to a departure that already announced it', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    const crashed = await crashableDirectory(keyPrefix);
    await crashed.directory.arrived('main', ada);
    await alive.arrived('main', ada);
    crashed.crash();
    await crashed.lapse();
    expect((await alive.departed('main', ada)).changed).toBe(true);
    expect(await alive.sweep(nothingHeld)).toEqual([]);
  });

  it('still reports the offline when presence was listed between the lapse and the sweep', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    const crashed = await crashableDirectory(keyPrefix);
    await crashed.directory.arrived('main', ada);
    crashed.crash();
    await crashed.lapse();
    expect(await alive.online('main', [])).toEqual([]);
    expect(await alive.sweep(nothingHeld)).toEqual([{ spaceId: 'main', timite: ada, state: 'offline' }]);
  });

  it('takes back the memberships of a process wrongly taken for gone, reporting them online again', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const alive = await redisDirectory(keyPrefix);
    // Stalled, not crashed: its liveness lapsed, then it runs again.
    const stalled = await crashableDirectory(keyPrefix);
    await stalled.directory.arrived('main', ada);
    await stalled.directory.arrived('main', bob);
    await alive.arrived('main', bob);
    await stalled.lapse();
    expect(await alive.sweep(nothingHeld)).toEqual([{ spaceId: 'main', timite: ada, state: 'offline' }]);

    const held = [
      { spaceId: 'main', timite: ada },
      { spaceId: 'main', timite: bob },
    ];
    expect(await stalled.directory.sweep(() => held)).toEqual([{ spaceId: 'main', timite: ada, state: 'online' }]);
    expect(await alive.online('main', [])).toEqual([ada, bob]);
    expect(await stalled.directory.sweep(() => held)).toEqual([]);
    // Its memberships are its own again: its departures count.
    expect((await alive.departed('main', bob)).changed).toBe(false);
    expect((await stalled.directory.departed('main', ada)).changed).toBe(true);
  });
});
