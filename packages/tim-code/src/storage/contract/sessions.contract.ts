import type { MakeStorage } from './fixture';
import { T0, msAfterT0, useStorage } from './fixture';

export function describeSessionsContract(makeStorage: MakeStorage): void {
  describe('sessions', () => {
    const fixture = useStorage(makeStorage);

    it('finds a live session with its timite and times', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture
        .storage()
        .createSession({ keyHash: 'k1', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(60_000) });
      expect(await fixture.storage().findSession('k1', msAfterT0(59_999))).toEqual({
        timite: ann,
        createdAt: T0,
        expiresAt: msAfterT0(60_000),
      });
    });

    it('rejects a session for a timite that does not exist', async () => {
      // toHaveProperty, not toThrow: errors raised by a native driver may come from another
      // realm, which toThrow does not recognize as errors.
      await expect(
        fixture.storage().createSession({ keyHash: 'k1', timiteId: 999_999, createdAt: T0, expiresAt: null }),
      ).rejects.toHaveProperty('message');
    });

    it('gives undefined for an unknown key', async () => {
      expect(await fixture.storage().findSession('never-issued', T0)).toBeUndefined();
    });

    it('gives undefined from the instant a session expires', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture
        .storage()
        .createSession({ keyHash: 'k1', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(60_000) });
      expect(await fixture.storage().findSession('k1', msAfterT0(60_000))).toBeUndefined();
      expect(await fixture.storage().findSession('k1', msAfterT0(120_000))).toBeUndefined();
    });

    it('gives undefined after the session is deleted, and deleting twice is harmless', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture
        .storage()
        .createSession({ keyHash: 'k1', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(60_000) });
      await fixture.storage().deleteSession('k1', T0);
      await fixture.storage().deleteSession('k1', T0);
      expect(await fixture.storage().findSession('k1', T0)).toBeUndefined();
    });

    it('never expires an agent token whose expiresAt is null', async () => {
      const bot = await fixture.createAgent('bot');
      await fixture.storage().createSession({ keyHash: 'token', timiteId: bot.id, createdAt: T0, expiresAt: null });
      const farFuture = new Date('2999-12-31T23:59:59.999Z');
      expect(await fixture.storage().deleteExpiredSessions(farFuture)).toBe(0);
      expect(await fixture.storage().findSession('token', farFuture)).toEqual({
        timite: bot,
        createdAt: T0,
        expiresAt: null,
      });
    });

    it('deletes exactly the expired sessions and counts them', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const storage = fixture.storage();
      await storage.createSession({ keyHash: 'old-1', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(1_000) });
      await storage.createSession({ keyHash: 'old-2', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(2_000) });
      await storage.createSession({ keyHash: 'live', timiteId: ann.id, createdAt: T0, expiresAt: msAfterT0(3_000) });
      await storage.createSession({ keyHash: 'token', timiteId: bot.id, createdAt: T0, expiresAt: null });

      expect(await storage.deleteExpiredSessions(msAfterT0(2_000))).toBe(2);
      expect(await storage.deleteExpiredSessions(msAfterT0(2_000))).toBe(0);
      expect(await storage.findSession('live', msAfterT0(2_000))).toBeDefined();
      expect(await storage.findSession('token', msAfterT0(2_000))).toBeDefined();
    });
  });
}
