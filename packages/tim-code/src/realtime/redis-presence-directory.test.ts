import type { Timite } from '@tim/protocol';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis';
import { createLocalPresenceDirectory, type PresenceDirectory } from './presence-directory';
import { createRedisPresenceDirectory } from './redis-presence-directory';

const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };
const bob: Timite = { id: 2, nick: 'bob', kind: 'human' };

let client: Redis;
beforeAll(async () => {
  client = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await client.connect();
});
afterAll(async () => {
  await client.quit();
});

const directories: PresenceDirectory[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => directory.close()));
});

async function redisDirectory(keyPrefix: string): Promise<PresenceDirectory> {
  const directory = await createRedisPresenceDirectory({ client, keyPrefix });
  directories.push(directory);
  return directory;
}

/** A process on its own sees every arrival and departure as a change, whatever the store. */
describe.each([
  ['local', async () => createLocalPresenceDirectory()],
  ['redis', () => redisDirectory(uniqueRedisPrefix())],
])('a %s presence directory alone', (_, open) => {
  it('calls each arrival and departure a change, and lists those online here', async () => {
    const directory = await open();
    expect(await directory.arrived('main', ada)).toBe(true);
    expect(await directory.online('main', [ada])).toEqual([ada]);
    expect(await directory.departed('main', ada)).toBe(true);
    expect(await directory.online('main', [])).toEqual([]);
  });
});

describe('createRedisPresenceDirectory across processes', () => {
  it('makes only the first arrival and the last departure of a timite a change', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [one, two] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    expect(await one.arrived('main', ada)).toBe(true);
    expect(await two.arrived('main', ada)).toBe(false);
    expect(await one.departed('main', ada)).toBe(false);
    expect(await two.departed('main', ada)).toBe(true);
    // Another space is another question.
    expect(await two.arrived('other', ada)).toBe(true);
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
    expect(await alive.arrived('main', ada)).toBe(true);
  });
});
