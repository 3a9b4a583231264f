import type { MakeStorage } from './fixture';
import { T0, msAfterT0, useStorage } from './fixture';

export function describeTimitesContract(makeStorage: MakeStorage): void {
  describe('timites', () => {
    const fixture = useStorage(makeStorage);

    it('creates a timite with a new id and the nick as given', async () => {
      const result = await fixture.storage().createTimite({ nick: 'Bob', kind: 'human', passwordHash: 'h1' });
      expect(result).toEqual({ created: true, timite: { id: expect.any(Number), nick: 'Bob', kind: 'human' } });
      const other = await fixture.storage().createTimite({ nick: 'carol', kind: 'agent', passwordHash: null });
      expect(other.created && result.created && other.timite.id !== result.timite.id).toBe(true);
    });

    it('refuses a nick that differs from a taken one only in case', async () => {
      await fixture.createHuman('Bob');
      const result = await fixture.storage().createTimite({ nick: 'bob', kind: 'agent', passwordHash: null });
      expect(result).toEqual({ created: false, reason: 'nick_taken' });
      expect(await fixture.storage().listTimites()).toHaveLength(1);
    });

    it('finds a timite by nick in any case, with its password hash and revoked flag', async () => {
      const bob = await fixture.createHuman('Bob');
      expect(await fixture.storage().findTimiteByNick('bOB')).toEqual({
        timite: bob,
        passwordHash: 'hash-of-Bob',
        revoked: false,
      });
      const agent = await fixture.createAgent('Helper');
      expect(await fixture.storage().findTimiteByNick('helper')).toEqual({
        timite: agent,
        passwordHash: null,
        revoked: false,
      });
      expect(await fixture.storage().findTimiteByNick('nobody')).toBeUndefined();
    });

    it('lists all timites, or only those of one kind, in creation order', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const cid = await fixture.createHuman('cid');
      expect(await fixture.storage().listTimites()).toEqual([ann, bot, cid]);
      expect(await fixture.storage().listTimites('human')).toEqual([ann, cid]);
      expect(await fixture.storage().listTimites('agent')).toEqual([bot]);
    });
  });

  describe('revokeAgent', () => {
    const fixture = useStorage(makeStorage);

    it('marks the agent revoked, keeps its nick and deletes all its tokens', async () => {
      const agent = await fixture.createAgent('Helper');
      const human = await fixture.createHuman('ann');
      const storage = fixture.storage();
      await storage.createSession({ keyHash: 'token-1', timiteId: agent.id, createdAt: T0, expiresAt: null });
      await storage.createSession({ keyHash: 'token-2', timiteId: agent.id, createdAt: T0, expiresAt: null });
      await storage.createSession({
        keyHash: 'human-key',
        timiteId: human.id,
        createdAt: T0,
        expiresAt: msAfterT0(1000),
      });

      expect(await storage.revokeAgent('HELPER', T0)).toBe(true);

      expect(await storage.findTimiteByNick('helper')).toEqual({ timite: agent, passwordHash: null, revoked: true });
      expect(await storage.listTimites('agent')).toEqual([agent]);
      expect(await storage.findSession('token-1', T0)).toBeUndefined();
      expect(await storage.findSession('token-2', T0)).toBeUndefined();
      expect(await storage.findSession('human-key', T0)).toEqual({
        timite: human,
        createdAt: T0,
        expiresAt: msAfterT0(1000),
      });
      // Its tokens are gone, not merely hidden: nothing is left for the sweeper.
      expect(await storage.deleteExpiredSessions(msAfterT0(1000))).toBe(1);
    });

    it('keeps a revoked agent from acting with a token issued afterwards', async () => {
      const agent = await fixture.createAgent('helper');
      await fixture.storage().revokeAgent('helper', T0);
      await fixture
        .storage()
        .createSession({ keyHash: 'late-token', timiteId: agent.id, createdAt: T0, expiresAt: null });
      expect(await fixture.storage().findSession('late-token', T0)).toBeUndefined();
    });

    it('answers false for an unknown nick and for a human, changing nothing', async () => {
      const human = await fixture.createHuman('ann');
      await fixture.storage().createSession({ keyHash: 'k', timiteId: human.id, createdAt: T0, expiresAt: null });
      expect(await fixture.storage().revokeAgent('nobody', T0)).toBe(false);
      expect(await fixture.storage().revokeAgent('ann', T0)).toBe(false);
      expect((await fixture.storage().findTimiteByNick('ann'))?.revoked).toBe(false);
      expect(await fixture.storage().findSession('k', T0)).toEqual({ timite: human, createdAt: T0, expiresAt: null });
    });

    it('answers true again for an agent revoked before', async () => {
      await fixture.createAgent('helper');
      expect(await fixture.storage().revokeAgent('helper', T0)).toBe(true);
      expect(await fixture.storage().revokeAgent('helper', T0)).toBe(true);
    });
  });

  describe('reinstateAgent', () => {
    const fixture = useStorage(makeStorage);

    it("clears a revoked agent's mark, once, so that a token issued afterwards works", async () => {
      const agent = await fixture.createAgent('Helper');
      const storage = fixture.storage();
      await storage.revokeAgent('helper', T0);

      expect(await storage.reinstateAgent('HELPER')).toEqual(agent);
      expect(await storage.reinstateAgent('helper')).toBeUndefined();
      expect(await storage.findTimiteByNick('helper')).toEqual({ timite: agent, passwordHash: null, revoked: false });
      await storage.createSession({ keyHash: 'new-token', timiteId: agent.id, createdAt: T0, expiresAt: null });
      expect(await storage.findSession('new-token', T0)).toEqual({ timite: agent, createdAt: T0, expiresAt: null });
    });

    it('answers undefined for an unknown nick, a human and an agent that is not revoked, changing nothing', async () => {
      await fixture.createHuman('ann');
      await fixture.createAgent('helper');
      expect(await fixture.storage().reinstateAgent('nobody')).toBeUndefined();
      expect(await fixture.storage().reinstateAgent('ann')).toBeUndefined();
      expect(await fixture.storage().reinstateAgent('helper')).toBeUndefined();
      expect((await fixture.storage().findTimiteByNick('helper'))?.revoked).toBe(false);
    });
  });
}
