import type { Space } from '@tim/protocol';
import type { SpaceAccess } from '../storage/storage';
import { createSpaceAccess } from './space-access';

const at = new Date(0).toISOString();
const open: Space = { id: 'open', name: 'Open', createdAt: at, visibility: 'public', kind: 'space' };
const secret: Space = { id: 'secret', name: 'Secret', createdAt: at, visibility: 'private', kind: 'space' };

/** A store answering from a table of (space, timite) → access, counting its look-ups. */
function store(table: Map<string, SpaceAccess>) {
  let lookUps = 0;
  return {
    lookUps: () => lookUps,
    storage: {
      getSpaceAccess(spaceId: string, timiteId: number): Promise<SpaceAccess | undefined> {
        lookUps += 1;
        const space = [open, secret].find((candidate) => candidate.id === spaceId);
        return Promise.resolve(table.get(`${spaceId}/${timiteId}`) ?? (space === undefined ? undefined : { space }));
      },
    },
  };
}

describe('space access', () => {
  it('answers a private space of others exactly like an unknown one, and gives members their role', async () => {
    const { storage } = store(new Map([['secret/1', { space: secret, role: 'admin' }]]));
    const access = createSpaceAccess({ storage, publicSpaceCacheMs: 0 });
    await expect(access.readable(2, 'secret')).rejects.toMatchObject({
      code: 'not_found',
      message: 'There is no space "secret".',
    });
    await expect(access.readable(2, 'nowhere')).rejects.toMatchObject({
      code: 'not_found',
      message: 'There is no space "nowhere".',
    });
    expect(await access.readable(1, 'secret')).toEqual({ space: secret, role: 'admin' });
    expect(await access.managed(1, 'secret')).toEqual({ space: secret, role: 'admin' });
    await expect(access.managed(2, 'open')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses posting in an archived space', async () => {
    const archived = { ...open, archivedAt: at };
    const access = createSpaceAccess({
      storage: { getSpaceAccess: () => Promise.resolve({ space: archived }) },
      publicSpaceCacheMs: 0,
    });
    expect((await access.readable(1, 'open')).space).toEqual(archived);
    await expect(access.postable(1, 'open')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('caches public spaces for a while, never private ones, and forgets a space it is told changed', async () => {
    let now = 0;
    const counted = store(new Map([['secret/1', { space: secret, role: 'member' }]]));
    const access = createSpaceAccess({ storage: counted.storage, publicSpaceCacheMs: 1000, now: () => now });
    await access.postable(1, 'open');
    await access.postable(2, 'open');
    expect(counted.lookUps()).toBe(1);
    await access.readable(1, 'open', { fresh: true });
    expect(counted.lookUps()).toBe(2);
    now = 1001;
    await access.postable(1, 'open');
    expect(counted.lookUps()).toBe(3);
    access.forget('open');
    await access.postable(1, 'open');
    expect(counted.lookUps()).toBe(4);
    await access.postable(1, 'secret');
    await access.postable(1, 'secret');
    expect(counted.lookUps()).toBe(6);
  });
});
