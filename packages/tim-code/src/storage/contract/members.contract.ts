import type { Timite } from '@tim/protocol';
import type { AccessActor, SpaceRole } from '../storage';
import { useAccessStorage, type MakeAccessStorage } from './access-fixture';
import { msAfterT0 } from './fixture';

export function describeMembersContract(makeStorage: MakeAccessStorage): void {
  describe('members and the owner rules', () => {
    const fixture = useAccessStorage(makeStorage);

    const by = (timite: Timite): AccessActor => ({ timiteId: timite.id });

    async function add(actor: AccessActor, target: Timite | number, role: SpaceRole = 'member', spaceId = 'team') {
      const timiteId = typeof target === 'number' ? target : target.id;
      return fixture.storage().addMember({ spaceId, actor, timiteId, role, joinedAt: msAfterT0(timiteId) });
    }

    async function roles(spaceId = 'team'): Promise<Array<[string, SpaceRole]>> {
      return (await fixture.storage().listMembers(spaceId)).map((member) => [member.timite.nick, member.role]);
    }

    it('adds members by an owner or admin, answering already_member and unknown timites', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const bot = await fixture.createAgent('bot');
      await fixture.spaceOwnedBy(ann, 'team', 'private');
      expect(await add(by(ann), bob, 'admin')).toEqual({
        outcome: 'created',
        member: { timite: bob, role: 'admin', joinedAt: msAfterT0(bob.id).toISOString() },
      });
      expect(await add(by(bob), bot)).toMatchObject({ outcome: 'created', member: { timite: bot, role: 'member' } });
      expect(await add(by(ann), bot, 'admin')).toEqual({
        outcome: 'already_member',
        member: { timite: bot, role: 'member', joinedAt: msAfterT0(bot.id).toISOString() },
      });
      expect(await add(by(ann), 9999)).toEqual({ outcome: 'unknown_timite' });
      expect(await add(by(ann), bob, 'member', 'nowhere')).toEqual({ outcome: 'space_not_found' });
      // Members joined in this order.
      expect(await roles()).toEqual([
        ['ann', 'owner'],
        ['bob', 'admin'],
        ['bot', 'member'],
      ]);
    });

    it('refuses additions by members and non-members, owners by admins, and joins of private spaces', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const cat = await fixture.createHuman('cat');
      const dan = await fixture.createHuman('dan');
      await fixture.spaceOwnedBy(ann, 'team', 'private');
      await add(by(ann), bob, 'admin');
      await add(by(ann), cat);
      expect(await add(by(cat), dan)).toEqual({ outcome: 'forbidden' });
      expect(await add(by(dan), dan)).toEqual({ outcome: 'forbidden' });
      expect(await add(by(bob), dan, 'owner')).toEqual({ outcome: 'forbidden' });
      expect(await add(by(ann), dan, 'owner')).toMatchObject({ outcome: 'created' });
      expect(await add('operator', 9999)).toEqual({ outcome: 'unknown_timite' });
    });

    it('lets anyone join a public space as a member, and nothing more', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.spaceOwnedBy(ann, 'team');
      expect(await add(by(bob), bob, 'admin')).toEqual({ outcome: 'forbidden' });
      expect(await add(by(bob), bob)).toMatchObject({ outcome: 'created', member: { role: 'member' } });
      expect(await fixture.roleOf(bob, 'team')).toBe('member');
      // main has no owner, but anyone joins it.
      expect(await add(by(bob), bob, 'member', 'main')).toMatchObject({ outcome: 'created' });
    });

    it('changes roles: owners and admins, only owners touching owner, never the last owner away', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const cat = await fixture.createHuman('cat');
      const dan = await fixture.createHuman('dan');
      const store = fixture.storage();
      await fixture.spaceOwnedBy(ann, 'team');
      await add(by(ann), bob, 'admin');
      await add(by(ann), cat);
      const change = (actor: AccessActor, target: Timite, role: SpaceRole) =>
        store.changeRole({ spaceId: 'team', actor, timiteId: target.id, role });

      expect(await change(by(cat), bob, 'member')).toEqual({ outcome: 'forbidden' });
      expect(await change(by(bob), cat, 'owner')).toEqual({ outcome: 'forbidden' });
      expect(await change(by(bob), ann, 'admin')).toEqual({ outcome: 'forbidden' });
      expect(await change(by(bob), cat, 'admin')).toEqual({
        outcome: 'changed',
        member: { timite: cat, role: 'admin', joinedAt: msAfterT0(cat.id).toISOString() },
        previousRole: 'member',
      });
      expect(await change(by(bob), cat, 'admin')).toMatchObject({ outcome: 'unchanged', member: { role: 'admin' } });
      expect(await change(by(ann), ann, 'admin')).toEqual({ outcome: 'last_owner' });
      expect(await change('operator', ann, 'member')).toEqual({ outcome: 'last_owner' });
      expect(await change(by(ann), dan, 'admin')).toEqual({ outcome: 'not_member' });
      expect(await store.changeRole({ spaceId: 'none', actor: by(ann), timiteId: ann.id, role: 'admin' })).toEqual({
        outcome: 'space_not_found',
      });
      expect(await change(by(ann), bob, 'owner')).toMatchObject({ outcome: 'changed', previousRole: 'admin' });
      // Two owners: either may step down.
      expect(await change(by(ann), ann, 'member')).toMatchObject({ outcome: 'changed', member: { role: 'member' } });
      expect(await roles()).toEqual([
        ['ann', 'member'],
        ['bob', 'owner'],
        ['cat', 'admin'],
      ]);
    });

    it('removes members: leaving, by owners, by admins but not owners, never the last owner', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const cat = await fixture.createHuman('cat');
      const dan = await fixture.createHuman('dan');
      const store = fixture.storage();
      await fixture.spaceOwnedBy(ann, 'team', 'private');
      await add(by(ann), bob, 'admin');
      await add(by(ann), cat);
      await add(by(ann), dan);
      const remove = (actor: AccessActor, target: Timite) =>
        store.removeMember({ spaceId: 'team', actor, timiteId: target.id });

      expect(await remove(by(cat), dan)).toEqual({ outcome: 'forbidden' });
      expect(await remove(by(bob), ann)).toEqual({ outcome: 'forbidden' });
      expect(await remove(by(ann), ann)).toEqual({ outcome: 'last_owner' });
      expect(await remove('operator', ann)).toEqual({ outcome: 'last_owner' });
      expect(await remove(by(dan), dan)).toEqual({ outcome: 'removed', role: 'member' });
      expect(await remove(by(dan), dan)).toEqual({ outcome: 'not_member' });
      expect(await remove(by(bob), cat)).toEqual({ outcome: 'removed', role: 'member' });
      expect(await remove(by(ann), bob)).toEqual({ outcome: 'removed', role: 'admin' });
      expect(await store.removeMember({ spaceId: 'none', actor: by(ann), timiteId: ann.id })).toEqual({
        outcome: 'space_not_found',
      });
      expect(await roles()).toEqual([['ann', 'owner']]);
      // A removed member of a private space reads it no more.
      expect(await store.getSpaceAccess('team', cat.id)).toMatchObject({ space: { visibility: 'private' } });
      expect((await store.getSpaceAccess('team', cat.id))?.role).toBeUndefined();
    });

    it('leaves one owner when two owners demote each other at once', async () => {
      for (let round = 0; round < 5; round += 1) {
        const ann = await fixture.createHuman(`ann${round}`);
        const bob = await fixture.createHuman(`bob${round}`);
        const spaceId = `team-${round}`;
        await fixture.spaceOwnedBy(ann, spaceId);
        await add(by(ann), bob, 'owner', spaceId);
        const results = await Promise.all([
          fixture.storage().changeRole({ spaceId, actor: by(ann), timiteId: bob.id, role: 'admin' }),
          fixture.storage().changeRole({ spaceId, actor: by(bob), timiteId: ann.id, role: 'admin' }),
        ]);
        expect(results.filter((result) => result.outcome === 'changed')).toHaveLength(1);
        const owners = (await roles(spaceId)).filter(([, role]) => role === 'owner');
        expect(owners).toHaveLength(1);
      }
    });

    it('leaves one owner when two owners leave at once, or one is removed as the other demotes itself', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const store = fixture.storage();
      await fixture.spaceOwnedBy(ann, 'team');
      await add(by(ann), bob, 'owner');
      const left = await Promise.all([
        store.removeMember({ spaceId: 'team', actor: by(ann), timiteId: ann.id }),
        store.removeMember({ spaceId: 'team', actor: by(bob), timiteId: bob.id }),
      ]);
      expect(left.map((result) => result.outcome).sort()).toEqual(['last_owner', 'removed']);
      expect((await roles()).filter(([, role]) => role === 'owner')).toHaveLength(1);

      const [owner] = (await roles()).map(([nick]) => nick);
      const remaining = owner === 'ann' ? ann : bob;
      const other = owner === 'ann' ? bob : ann;
      await add(by(remaining), other, 'owner');
      await Promise.all([
        store.removeMember({ spaceId: 'team', actor: by(remaining), timiteId: other.id }),
        store.changeRole({ spaceId: 'team', actor: by(other), timiteId: other.id, role: 'member' }),
        store.changeRole({ spaceId: 'team', actor: by(other), timiteId: remaining.id, role: 'member' }),
      ]);
      expect((await roles()).filter(([, role]) => role === 'owner')).toHaveLength(1);
    });
  });
}
