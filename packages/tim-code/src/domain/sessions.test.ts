import { createMemoryStorage } from '../storage/memory/memory-storage';
import { createSessions, generateKey, hashKey } from './sessions';

describe('generateKey and hashKey', () => {
  it('makes 256-bit keys and stores a hash that is not the key', () => {
    const key = generateKey();
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(hashKey(key)).not.toContain(key);
    expect(hashKey(key)).toBe(hashKey(key));
  });
});

describe('createSessions', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('authenticates until expiry and deletes expired sessions on the cleanup interval', async () => {
    jest.useFakeTimers();
    const storage = createMemoryStorage();
    const created = await storage.createTimite({ nick: 'ada', kind: 'human', passwordHash: null });
    if (!created.created) throw new Error('no timite');
    let nowMs = Date.parse('2030-01-01T00:00:00Z');
    const sessions = createSessions({ storage, ttlMs: 1000, now: () => new Date(nowMs) });
    const session = await sessions.start(created.timite.id);
    expect((await sessions.authenticate(session.key))?.timite).toEqual(created.timite);

    const deleted = jest.spyOn(storage, 'deleteExpiredSessions');
    const stop = sessions.startCleanup(60_000, (err) => {
      throw err;
    });
    nowMs += 1001;
    expect(await sessions.authenticate(session.key)).toBeUndefined();
    jest.advanceTimersByTime(60_000);
    expect(deleted).toHaveBeenCalledTimes(1);
    await expect(deleted.mock.results[0]?.value).resolves.toBe(1);
    stop();
    jest.advanceTimersByTime(60_000);
    expect(deleted).toHaveBeenCalledTimes(1);
  });
});
