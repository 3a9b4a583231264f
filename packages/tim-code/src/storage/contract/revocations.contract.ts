import type { MakeStorage } from './fixture';
import { T0, msAfterT0, useStorage } from './fixture';

export function describeRevocationsContract(makeStorage: MakeStorage): void {
  describe('revocation feed', () => {
    const fixture = useStorage(makeStorage);

    it('starts empty, with head 0', async () => {
      expect(await fixture.storage().revocationHead()).toBe(0);
      expect(await fixture.storage().readRevocationsAfter(0, 100)).toEqual([]);
    });

    it('appends a session revocation for a logout and a timite revocation for an agent revoke, in order', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const storage = fixture.storage();
      await storage.createSession({
        keyHash: 'ann-key',
        timiteId: ann.id,
        createdAt: T0,
        expiresAt: msAfterT0(60_000),
      });
      await storage.createSession({ keyHash: 'bot-token', timiteId: bot.id, createdAt: T0, expiresAt: null });

      await storage.deleteSession('ann-key', T0);
      await storage.revokeAgent('bot', T0);

      const feed = await storage.readRevocationsAfter(0, 100);
      expect(feed).toEqual([
        { seq: expect.any(Number), kind: 'session', keyHash: 'ann-key' },
        { seq: expect.any(Number), kind: 'timite', timiteId: bot.id },
      ]);
      const [first, second] = feed.map((revocation) => revocation.seq);
      expect(second).toBeGreaterThan(first ?? Infinity);
      expect(await storage.revocationHead()).toBe(second);
      expect(await storage.readRevocationsAfter(first ?? 0, 100)).toEqual([feed[1]]);
      expect(await storage.readRevocationsAfter(second ?? 0, 100)).toEqual([]);
    });

    it('appends nothing for a key that had no session, nor for a revoke that changed nothing', async () => {
      await fixture.createHuman('ann');
      await fixture.storage().deleteSession('never-issued', T0);
      expect(await fixture.storage().revokeAgent('ann', T0)).toBe(false);
      expect(await fixture.storage().revokeAgent('nobody', T0)).toBe(false);
      expect(await fixture.storage().revocationHead()).toBe(0);
    });

    it('reads at most limit entries', async () => {
      const ann = await fixture.createHuman('ann');
      for (const key of ['k1', 'k2', 'k3']) {
        await fixture.storage().createSession({ keyHash: key, timiteId: ann.id, createdAt: T0, expiresAt: null });
        await fixture.storage().deleteSession(key, T0);
      }
      const page = await fixture.storage().readRevocationsAfter(0, 2);
      expect(page.map((revocation) => revocation.kind === 'session' && revocation.keyHash)).toEqual(['k1', 'k2']);
    });

    it('prunes exactly the entries appended before the given time; later seqs stay higher', async () => {
      const ann = await fixture.createHuman('ann');
      const storage = fixture.storage();
      for (const [key, at] of [
        ['old', T0],
        ['new', msAfterT0(1000)],
      ] as const) {
        await storage.createSession({ keyHash: key, timiteId: ann.id, createdAt: T0, expiresAt: null });
        await storage.deleteSession(key, at);
      }
      const headBefore = await storage.revocationHead();

      expect(await storage.pruneRevocations(msAfterT0(1000))).toBe(1);
      expect(await storage.readRevocationsAfter(0, 100)).toEqual([
        { seq: headBefore, kind: 'session', keyHash: 'new' },
      ]);

      await storage.createSession({ keyHash: 'later', timiteId: ann.id, createdAt: T0, expiresAt: null });
      await storage.deleteSession('later', msAfterT0(2000));
      expect(await storage.revocationHead()).toBeGreaterThan(headBefore);
    });
  });
}
