import type { EphemeralEvent, SpaceId, Timite } from '@tim/protocol';
import type { Redis } from 'ioredis';
import { DEFAULT_PRESENCE_LIVENESS_MS } from '../config';
import { openCrashableDirectory, type CrashableDirectory } from '../../test/support/presence-processes';
import { connectTestRedis, uniqueRedisPrefix } from '../../test/support/redis';
import { waitFor } from '../../test/support/start-server';
import { createPresence, type Presence } from './presence';
import { createRedisPresenceDirectory } from './redis-presence-directory';

const ada: Timite = { id: 1, nick: 'ada', kind: 'human' };

let client: Redis;
beforeAll(async () => {
  client = await connectTestRedis();
});
afterAll(async () => {
  await client.quit();
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface PresenceProcess {
  presence: Presence;
  /** What this process published, in order. */
  published: Array<{ spaceId: SpaceId; event: EphemeralEvent }>;
}

function presenceOver(directory: CrashableDirectory['directory']): PresenceProcess {
  const published: PresenceProcess['published'] = [];
  const presence = createPresence({ publish: (spaceId, event) => published.push({ spaceId, event }), directory });
  return { presence, published };
}

async function survivor(keyPrefix: string): Promise<PresenceProcess> {
  const directory = await createRedisPresenceDirectory({ client, keyPrefix, livenessMs: DEFAULT_PRESENCE_LIVENESS_MS });
  closers.push(() => directory.close());
  return presenceOver(directory);
}

async function crashable(keyPrefix: string): Promise<PresenceProcess & { process: CrashableDirectory }> {
  const crashableProcess = await openCrashableDirectory(client, keyPrefix);
  closers.push(() => crashableProcess.close());
  return { ...presenceOver(crashableProcess.directory), process: crashableProcess };
}

const adaInMain = (state: 'online' | 'offline') => ({
  spaceId: 'main',
  event: { type: 'presence', spaceId: 'main', timite: ada, state },
});

describe('createPresence sweeping a shared directory', () => {
  it("publishes the offline of a crashed process's timite once, shaped like a departure", async () => {
    const keyPrefix = uniqueRedisPrefix();
    const crashed = await crashable(keyPrefix);
    const alive = await survivor(keyPrefix);
    crashed.presence.join('main', ada);
    await waitFor(() => crashed.published.length === 1, "ada's online");

    crashed.process.crash();
    await crashed.process.lapse();
    await alive.presence.sweep();
    await alive.presence.sweep();
    expect(alive.published).toEqual([adaInMain('offline')]);
    expect(await alive.presence.online('main')).toEqual([]);
  });

  it('publishes its timites online again when it was taken for gone', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const stalled = await crashable(keyPrefix);
    const alive = await survivor(keyPrefix);
    stalled.presence.join('main', ada);
    await waitFor(() => stalled.published.length === 1, "ada's online");

    await stalled.process.lapse();
    await alive.presence.sweep();
    expect(alive.published).toEqual([adaInMain('offline')]);
    await stalled.presence.sweep();
    expect(stalled.published).toEqual([adaInMain('online'), adaInMain('online')]);
    expect(await alive.presence.online('main')).toEqual([ada]);
  });
});

describe('createPresence with a bound on announced memberships', () => {
  it('announces no arrival or departure in a space whose memberships on all processes pass the bound', async () => {
    const keyPrefix = uniqueRedisPrefix();
    const [first, second] = [
      await createRedisPresenceDirectory({ client, keyPrefix, livenessMs: DEFAULT_PRESENCE_LIVENESS_MS }),
      await createRedisPresenceDirectory({ client, keyPrefix, livenessMs: DEFAULT_PRESENCE_LIVENESS_MS }),
    ];
    closers.push(
      () => first.close(),
      () => second.close(),
    );
    const published: SpaceId[] = [];
    const here = createPresence({
      publish: (spaceId) => published.push(spaceId),
      directory: first,
      maxAnnouncedMembers: 2,
    });
    const there = createPresence({
      publish: (spaceId) => published.push(spaceId),
      directory: second,
      maxAnnouncedMembers: 2,
    });
    here.join('main', ada);
    there.join('main', { id: 2, nick: 'bob', kind: 'human' });
    await waitFor(() => published.length === 2, 'two arrivals announced');
    // Each process holds one or two here: only the count across both passes the bound.
    there.join('main', { id: 3, nick: 'cy', kind: 'human' });
    there.join('main', { id: 4, nick: 'dan', kind: 'human' });
    here.leave('main', ada.id);
    // Asked after the departure, on the same Redis connection: its decision has been acted on.
    await expect(here.online('main')).resolves.toHaveLength(3);
    expect(published).toHaveLength(2);
  });
});
