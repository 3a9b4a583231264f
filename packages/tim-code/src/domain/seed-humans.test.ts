import { createMemoryStorage } from '../storage/memory/memory-storage';
import { createAccounts } from './accounts';
import { createDecoyHash } from './passwords';
import { seedHumans } from './seed-humans';
import { createSessions } from './sessions';

describe('seedHumans', () => {
  it('creates humans whose keys authenticate and who can log in with the shared password', async () => {
    const storage = createMemoryStorage();
    const now = new Date('2026-01-01T00:00:00Z');
    const seeded = await seedHumans(storage, {
      nicks: ['sub-0', 'sub-1'],
      password: 'seed password',
      sessionTtlMs: 60_000,
      now,
    });
    expect(seeded.map(({ timite }) => [timite.nick, timite.kind])).toEqual([
      ['sub-0', 'human'],
      ['sub-1', 'human'],
    ]);
    const sessions = createSessions({ storage, ttlMs: 60_000, now: () => now });
    for (const { timite, key } of seeded) expect((await sessions.authenticate(key))?.timite).toEqual(timite);
    const accounts = createAccounts({ storage, sessions, decoyHash: createDecoyHash() });
    expect((await accounts.login({ nick: 'sub-1', password: 'seed password' })).timite).toEqual(seeded[1]?.timite);
    await expect(seedHumans(storage, { nicks: ['sub-0'], password: 'x', sessionTtlMs: 1, now })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
