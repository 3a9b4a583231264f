import type { Ability, Timite } from '@tim/protocol';
import type { Redis } from 'ioredis';
import { DEFAULT_PRESENCE_LIVENESS_MS } from '../config';
import { connectTestRedis, uniqueRedisPrefix } from '../../test/support/redis';
import { createLocalAbilitiesDirectory, type AbilitiesDirectory, type HeldDeclaration } from './abilities-directory';
import { createRedisAbilitiesDirectory } from './redis-abilities-directory';

const jarvis: Timite = { id: 7, nick: 'jarvis', kind: 'agent' };
const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };
const parameters = { type: 'object', properties: { query: { type: 'string' } } } as const;
const search: Ability = { name: 'search', description: 'Searches the web.', parameters };
const summarize: Ability = { name: 'summarize', description: 'Summarizes a text.', parameters };
const nothingHeld = (): HeldDeclaration[] => [];

let client: Redis;
beforeAll(async () => {
  client = await connectTestRedis();
});
afterAll(async () => {
  await client.quit();
});

const directories: AbilitiesDirectory[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => directory.close()));
});

async function redisDirectory(
  keyPrefix: string,
  livenessMs = DEFAULT_PRESENCE_LIVENESS_MS,
): Promise<AbilitiesDirectory> {
  const directory = await createRedisAbilitiesDirectory({ client, keyPrefix, livenessMs });
  directories.push(directory);
  return directory;
}

describe.each([
  ['local', async () => createLocalAbilitiesDirectory()],
  ['redis', () => redisDirectory(uniqueRedisPrefix())],
])('a %s abilities directory alone', (_, open) => {
  it('shows the newest declaration among the connections, and the older one again when it goes', async () => {
    const directory = await open();
    expect(
      await directory.declare({ spaceId: 'main', timite: jarvis, connectionId: '1', abilities: [search] }),
    ).toEqual({ changed: true, abilities: [search] });
    // The same set from a second connection changes nothing anyone sees.
    expect(
      (await directory.declare({ spaceId: 'main', timite: jarvis, connectionId: '2', abilities: [search] })).changed,
    ).toBe(false);
    expect(
      await directory.declare({ spaceId: 'main', timite: jarvis, connectionId: '2', abilities: [search, summarize] }),
    ).toEqual({ changed: true, abilities: [search, summarize] });
    await directory.declare({ spaceId: 'main', timite: ada, connectionId: '3', abilities: [summarize] });
    expect(await directory.find('main', jarvis.id)).toEqual({ timite: jarvis, abilities: [search, summarize] });
    expect(await directory.find('other', jarvis.id)).toBeUndefined();
    expect(await directory.list('main')).toEqual([
      { timite: ada, abilities: [summarize] },
      { timite: jarvis, abilities: [search, summarize] },
    ]);

    expect(await directory.withdraw({ spaceId: 'main', timite: jarvis, connectionId: '2' })).toEqual({
      changed: true,
      abilities: [search],
    });
    expect(await directory.withdraw({ spaceId: 'main', timite: jarvis, connectionId: '1' })).toEqual({
      changed: true,
      abilities: [],
    });
    expect((await directory.withdraw({ spaceId: 'main', timite: jarvis, connectionId: '1' })).changed).toBe(false);
    expect(await directory.list('main')).toEqual([{ timite: ada, abilities: [summarize] }]);
    // Nothing to settle: no process crashed, and this one still holds Ada's declaration.
    expect(
      await directory.sweep(() => [{ spaceId: 'main', timite: ada, connectionId: '3', abilities: [summarize] }]),
    ).toEqual([]);
  });
});

describe('createRedisAbilitiesDirectory across processes', () => {
  it('shows one process the declarations of another, newest first', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [one, two] = [await redisDirectory(keyPrefix), await redisDirectory(keyPrefix)];
    await one.declare({ spaceId: 'main', timite: jarvis, connectionId: '1', abilities: [search] });
    expect(await two.list('main')).toEqual([{ timite: jarvis, abilities: [search] }]);
    // Connection ids are per process: '1' on two is another connection.
    expect(await two.declare({ spaceId: 'main', timite: jarvis, connectionId: '1', abilities: [summarize] })).toEqual({
      changed: true,
      abilities: [summarize],
    });
    expect((await one.find('main', jarvis.id))?.abilities).toEqual([summarize]);
    expect((await one.withdraw({ spaceId: 'main', timite: jarvis, connectionId: '1' })).changed).toBe(false);
    expect(await two.withdraw({ spaceId: 'main', timite: jarvis, connectionId: '1' })).toEqual({
      changed: true,
      abilities: [],
    });
    expect(await one.list('main')).toEqual([]);
  });

  it('hides a crashed process’s declarations at once, and one sweep announces them gone', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const survivor = await redisDirectory(keyPrefix);
    const otherSurvivor = await redisDirectory(keyPrefix);
    const crashed = await createRedisAbilitiesDirectory({
      client,
      keyPrefix,
      livenessMs: DEFAULT_PRESENCE_LIVENESS_MS,
    });
    await survivor.declare({ spaceId: 'main', timite: ada, connectionId: '1', abilities: [summarize] });
    await crashed.declare({ spaceId: 'main', timite: jarvis, connectionId: '1', abilities: [search] });
    await crashed.declare({ spaceId: 'main', timite: ada, connectionId: '2', abilities: [search] });
    expect((await survivor.find('main', ada.id))?.abilities).toEqual([search]);
    // Its liveness key goes, its declarations stay behind, as after a crash.
    await crashed.close();
    expect(await survivor.list('main')).toEqual([{ timite: ada, abilities: [summarize] }]);
    const survivorHeld = (): HeldDeclaration[] => [
      { spaceId: 'main', timite: ada, connectionId: '1', abilities: [summarize] },
    ];
    const [first, second] = await Promise.all([survivor.sweep(survivorHeld), otherSurvivor.sweep(nothingHeld)]);
    const changes = [...(first ?? []), ...(second ?? [])].sort((a, b) => a.timite.id - b.timite.id);
    expect(changes).toEqual([
      { spaceId: 'main', timite: ada, abilities: [summarize] },
      { spaceId: 'main', timite: jarvis, abilities: [] },
    ]);
    expect(await survivor.sweep(survivorHeld)).toEqual([]);
  });

  it('withdraws at its sweep a declaration of its own that its connections no longer hold (a failed withdrawal)', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const directory = await redisDirectory(keyPrefix);
    const kept: HeldDeclaration = { spaceId: 'main', timite: ada, connectionId: '1', abilities: [summarize] };
    await directory.declare(kept);
    await directory.declare({ spaceId: 'main', timite: jarvis, connectionId: '2', abilities: [search] });
    // Connection 2 was released here, but its withdrawal never reached Redis.
    expect(await directory.sweep(() => [kept])).toEqual([{ spaceId: 'main', timite: jarvis, abilities: [] }]);
    expect(await directory.list('main')).toEqual([{ timite: ada, abilities: [summarize] }]);
    expect(await directory.sweep(() => [kept])).toEqual([]);
  });

  it('records its own declarations again when it was taken for gone', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const observer = await redisDirectory(keyPrefix);
    const paused = await redisDirectory(keyPrefix);
    const held: HeldDeclaration = { spaceId: 'main', timite: jarvis, connectionId: '1', abilities: [search] };
    await paused.declare(held);
    // As if its liveness lapsed (a long pause) and another process swept it away.
    await client.del(`${keyPrefix}abilities-process:${await holdingProcessId(keyPrefix)}`);
    expect(await observer.sweep(nothingHeld)).toEqual([{ spaceId: 'main', timite: jarvis, abilities: [] }]);
    expect(await paused.sweep(() => [held])).toEqual([{ spaceId: 'main', timite: jarvis, abilities: [search] }]);
    expect(await observer.list('main')).toEqual([{ timite: jarvis, abilities: [search] }]);
  });
});

/** The id of the one registered process that holds declarations. */
async function holdingProcessId(keyPrefix: string): Promise<string> {
  for (const id of await client.smembers(`${keyPrefix}abilities-processes`)) {
    if ((await client.scard(`${keyPrefix}abilities-held:${id}`)) > 0) return id;
  }
  throw new Error('no process holds declarations');
}
