import type { NewTimite } from '../storage';
import { useAccessStorage, type MakeAccessStorage } from './access-fixture';
import { T0, msAfterT0 } from './fixture';

export function describeInvitesContract(makeStorage: MakeAccessStorage): void {
  describe('invite codes', () => {
    const fixture = useAccessStorage(makeStorage);

    const register = (nick: string, codeHash: string, now = msAfterT0(1000)) =>
      fixture.storage().createTimite({ nick, kind: 'human', passwordHash: 'h', invite: { codeHash, now } });

    async function usesLeft(codeHash: string): Promise<number | undefined> {
      return (await fixture.storage().listInviteCodes()).find((code) => code.codeHash === codeHash)?.usesLeft;
    }

    it('stores codes and lists them newest first', async () => {
      const ann = await fixture.createHuman('ann');
      const store = fixture.storage();
      await store.createInviteCode({ codeHash: 'aaa111', uses: 3, expiresAt: null, createdAt: T0 });
      await store.createInviteCode({
        codeHash: 'bbb222',
        uses: 1,
        expiresAt: msAfterT0(60_000),
        createdBy: ann.id,
        createdAt: msAfterT0(1),
      });
      expect(await store.listInviteCodes()).toEqual([
        { codeHash: 'bbb222', usesLeft: 1, expiresAt: msAfterT0(60_000), createdBy: ann.id, createdAt: msAfterT0(1) },
        { codeHash: 'aaa111', usesLeft: 3, expiresAt: null, createdBy: null, createdAt: T0 },
      ]);
    });

    it('creates an account with a usable code, taking one use in the same step', async () => {
      const store = fixture.storage();
      await store.createInviteCode({ codeHash: 'two-uses', uses: 2, expiresAt: msAfterT0(60_000), createdAt: T0 });
      expect(await register('ann', 'two-uses')).toMatchObject({ created: true, timite: { nick: 'ann' } });
      expect(await usesLeft('two-uses')).toBe(1);
      // A taken nick takes no use.
      expect(await register('ANN', 'two-uses')).toEqual({ created: false, reason: 'nick_taken' });
      expect(await usesLeft('two-uses')).toBe(1);
      expect(await register('bob', 'two-uses')).toMatchObject({ created: true });
      expect(await usesLeft('two-uses')).toBe(0);
      expect(await register('cat', 'two-uses')).toEqual({ created: false, reason: 'invite_invalid' });
      expect(await store.findTimiteByNick('cat')).toBeUndefined();
    });

    it('refuses unknown and expired codes, creating nothing', async () => {
      const store = fixture.storage();
      await store.createInviteCode({ codeHash: 'short-lived', uses: 5, expiresAt: msAfterT0(1000), createdAt: T0 });
      expect(await register('ann', 'unknown')).toEqual({ created: false, reason: 'invite_invalid' });
      expect(await register('ann', 'short-lived', msAfterT0(1000))).toEqual({
        created: false,
        reason: 'invite_invalid',
      });
      expect(await usesLeft('short-lived')).toBe(5);
      expect(await register('ann', 'short-lived', msAfterT0(999))).toMatchObject({ created: true });
      expect(await store.listTimites()).toHaveLength(1);
      // Without an invite, createTimite does not look at codes at all.
      const plain: NewTimite = { nick: 'bob', kind: 'human', passwordHash: 'h' };
      expect(await store.createTimite(plain)).toMatchObject({ created: true });
    });

    it('revokes a code by a prefix of its hash, refusing an ambiguous prefix', async () => {
      const store = fixture.storage();
      await store.createInviteCode({ codeHash: 'abc123', uses: 1, expiresAt: null, createdAt: T0 });
      await store.createInviteCode({ codeHash: 'abd456', uses: 1, expiresAt: null, createdAt: T0 });
      expect(await store.revokeInviteCode('ab')).toEqual({ outcome: 'ambiguous' });
      expect(await store.revokeInviteCode('zz')).toEqual({ outcome: 'not_found' });
      expect(await store.revokeInviteCode('%')).toEqual({ outcome: 'not_found' });
      expect(await store.revokeInviteCode('abc')).toEqual({ outcome: 'revoked', codeHash: 'abc123' });
      expect(await register('ann', 'abc123')).toEqual({ created: false, reason: 'invite_invalid' });
      expect((await store.listInviteCodes()).map((code) => code.codeHash)).toEqual(['abd456']);
    });

    it('creates exactly one account when two registrations consume a one-use code at once', async () => {
      const store = fixture.storage();
      for (let round = 0; round < 5; round += 1) {
        const codeHash = `once-${round}`;
        await store.createInviteCode({ codeHash, uses: 1, expiresAt: null, createdAt: T0 });
        const results = await Promise.all([register(`ann${round}`, codeHash), register(`bob${round}`, codeHash)]);
        expect(results.filter((result) => result.created)).toHaveLength(1);
        expect(results.filter((result) => !result.created)).toEqual([{ created: false, reason: 'invite_invalid' }]);
        expect(await usesLeft(codeHash)).toBe(0);
      }
      expect(await store.listTimites()).toHaveLength(5);
    });
  });
}
