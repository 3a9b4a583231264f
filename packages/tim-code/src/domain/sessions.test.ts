import { createMemoryStorage } from '../storage/memory/memory-storage';
import { createSessions, generateKey, hashKey } from './sessions';

describe('generateKey and hashKey', () => {
  it('makes 256-bit keys and stores a hash that is not the key', () => {
    const key = generateKey();
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(hashKey(key)).not.toContain(key);
    expect(hashKey(key)).toBe(hashKey(key));
  });

  it('hashes with SHA-256 in base64url, as stored hashes were made', () => {
    expect(hashKey('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
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

describe('createSessions following revocations', () => {
  async function twoProcessesOnOneStore() {
    const storage = createMemoryStorage();
    const created = await storage.createTimite({ nick: 'ada', kind: 'human', passwordHash: null });
    if (!created.created) throw new Error('no timite');
    const options = { storage, ttlMs: 60_000, now: () => new Date() };
    return { storage, timite: created.timite, here: createSessions(options), there: createSessions(options) };
  }
  const noError = (err: unknown) => {
    throw err;
  };

  it('answers repeated lookups from its cache while following', async () => {
    const { storage, here } = await twoProcessesOnOneStore();
    const follower = await here.followRevocations({ intervalMs: 60_000, onRevoked: () => undefined, onError: noError });
    const session = await here.start(1);
    const lookups = jest.spyOn(storage, 'findSession');
    await here.authenticate(session.key);
    await here.authenticate(session.key);
    expect(lookups).toHaveBeenCalledTimes(1);
    follower.stop();
    await here.authenticate(session.key);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('stops answering for a key logged out here at once, and for one logged out elsewhere at its next read of the feed', async () => {
    const { here, there } = await twoProcessesOnOneStore();
    const revoked: unknown[] = [];
    const follower = await here.followRevocations({
      intervalMs: 60_000,
      onRevoked: (revocation) => revoked.push(revocation),
      onError: noError,
    });
    const local = await here.start(1);
    const remote = await here.start(1);
    for (const { key } of [local, remote]) expect(await here.authenticate(key)).toBeDefined();

    const localAuth = await here.authenticate(local.key);
    await here.end(localAuth?.keyHash ?? '');
    expect(await here.authenticate(local.key)).toBeUndefined();

    const remoteAuth = await there.authenticate(remote.key);
    await there.end(remoteAuth?.keyHash ?? '');
    await follower.poll();
    expect(await here.authenticate(remote.key)).toBeUndefined();
    expect(revoked).toEqual([
      { seq: 1, kind: 'session', keyHash: localAuth?.keyHash },
      { seq: 2, kind: 'session', keyHash: remoteAuth?.keyHash },
    ]);
    follower.stop();
  });

  it('drops every cached key of an agent revoked elsewhere', async () => {
    const { storage, here } = await twoProcessesOnOneStore();
    const follower = await here.followRevocations({ intervalMs: 60_000, onRevoked: () => undefined, onError: noError });
    const agent = await storage.createTimite({ nick: 'bot', kind: 'agent', passwordHash: null });
    if (!agent.created) throw new Error('no agent');
    await storage.createSession({
      keyHash: hashKey('token'),
      timiteId: agent.timite.id,
      createdAt: new Date(),
      expiresAt: null,
    });
    expect(await here.authenticate('token')).toBeDefined();
    await storage.revokeAgent('bot', new Date());
    await follower.poll();
    expect(await here.authenticate('token')).toBeUndefined();
    follower.stop();
  });
});
