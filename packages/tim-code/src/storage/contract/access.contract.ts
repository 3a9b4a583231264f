import { MAIN_SPACE_ID } from '@tim/protocol';
import { dmSpaceIdOf } from '../dm-keys';
import { useAccessStorage, type MakeAccessStorage } from './access-fixture';
import { describeInvitesContract } from './invites.contract';
import { describeMembersContract } from './members.contract';
import { T0, msAfterT0 } from './fixture';

export type { AccessStore, MakeAccessStorage } from './access-fixture';

/**
 * The behaviour every AccessStorage implementation must show (issue 19): visibility and roles,
 * the owner rules (also under concurrent changes), DMs, listings per reader, search by reader
 * and invite codes. Called next to `describeStorageContract` by each backend's test file.
 */
export function describeAccessContract(name: string, makeStorage: MakeAccessStorage): void {
  describe(`AccessStorage contract: ${name}`, () => {
    describeSpaceAccessContract(makeStorage);
    describeMembersContract(makeStorage);
    describeDmsContract(makeStorage);
    describeListingsContract(makeStorage);
    describeInvitesContract(makeStorage);
  });
}

function describeSpaceAccessContract(makeStorage: MakeAccessStorage): void {
  describe('spaces and access', () => {
    const fixture = useAccessStorage(makeStorage);

    it('keeps main public, of kind space, with no owner', async () => {
      const ann = await fixture.createHuman('ann');
      const access = await fixture.storage().getSpaceAccess(MAIN_SPACE_ID, ann.id);
      expect(access).toEqual({
        space: {
          id: MAIN_SPACE_ID,
          name: expect.any(String),
          createdAt: expect.any(String),
          visibility: 'public',
          kind: 'space',
        },
      });
      expect(await fixture.storage().listMembers(MAIN_SPACE_ID)).toEqual([]);
    });

    it('creates a space public by default or private, its creator the owner in the same step', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const open = await fixture.spaceOwnedBy(ann, 'open');
      const secret = await fixture.spaceOwnedBy(ann, 'secret', 'private');
      expect(open).toEqual({
        id: 'open',
        name: 'Space open',
        createdAt: T0.toISOString(),
        visibility: 'public',
        kind: 'space',
      });
      expect(secret).toEqual({ ...open, id: 'secret', name: 'Space secret', visibility: 'private' });
      expect(await fixture.storage().getSpace('secret')).toEqual(secret);
      expect(await fixture.storage().getSpaceAccess('secret', ann.id)).toEqual({ space: secret, role: 'owner' });
      expect(await fixture.storage().getSpaceAccess('secret', bob.id)).toEqual({ space: secret });
      expect(await fixture.storage().getSpaceAccess('nowhere', ann.id)).toBeUndefined();
      expect(await fixture.storage().listMembers('secret')).toEqual([
        { timite: ann, role: 'owner', joinedAt: T0.toISOString() },
      ]);
      expect(await fixture.storage().listMembers('nowhere')).toEqual([]);
    });

    it('gives no owner to a space whose creator names no timite', async () => {
      await fixture.storage().createSpace({ id: 'orphan', name: 'Orphan', createdAt: T0, createdBy: 4242 });
      expect(await fixture.storage().listMembers('orphan')).toEqual([]);
      expect(await fixture.storage().countSpacesCreatedBy(4242)).toBe(1);
    });

    it('renames, switches visibility, archives and unarchives for owners and admins only', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const before = await fixture.spaceOwnedBy(ann, 'team');
      const store = fixture.storage();
      await store.addMember({
        spaceId: 'team',
        actor: { timiteId: bob.id },
        timiteId: bob.id,
        role: 'member',
        joinedAt: T0,
      });
      const at = msAfterT0(1000);
      expect(await store.updateSpace({ spaceId: 'team', actor: { timiteId: bob.id }, name: 'Mine', at })).toEqual({
        outcome: 'forbidden',
      });
      const renamed = await store.updateSpace({
        spaceId: 'team',
        actor: { timiteId: ann.id },
        name: 'Team',
        visibility: 'private',
        at,
      });
      const privateTeam = { ...before, name: 'Team', visibility: 'private' };
      expect(renamed).toEqual({ outcome: 'updated', space: privateTeam, before });
      const archived = await store.updateSpace({ spaceId: 'team', actor: { timiteId: ann.id }, archived: true, at });
      expect(archived).toMatchObject({ outcome: 'updated', space: { ...privateTeam, archivedAt: at.toISOString() } });
      // Archiving again keeps the first time.
      await store.updateSpace({ spaceId: 'team', actor: 'operator', archived: true, at: msAfterT0(5000) });
      expect((await store.getSpace('team'))?.archivedAt).toBe(at.toISOString());
      const unarchived = await store.updateSpace({ spaceId: 'team', actor: { timiteId: ann.id }, archived: false, at });
      expect(unarchived).toEqual({
        outcome: 'updated',
        space: privateTeam,
        before: { ...privateTeam, archivedAt: at.toISOString() },
      });
      expect(await store.getSpace('team')).toEqual(privateTeam);
      expect(await store.updateSpace({ spaceId: 'none', actor: 'operator', name: 'x', at })).toEqual({
        outcome: 'space_not_found',
      });
    });

    it('searches for a reader only the spaces it may read', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.spaceOwnedBy(ann, 'secret', 'private');
      await fixture.spaceOwnedBy(ann, 'open');
      const inSecret = await fixture.appendMessage({ sender: ann, spaceId: 'secret', content: 'launch plan' });
      const inOpen = await fixture.appendMessage({ sender: ann, spaceId: 'open', content: 'launch party' });
      const inMain = await fixture.appendMessage({ sender: bob, content: 'launch time?' });
      const found = async (readerId?: number, spaceIds?: string[]) =>
        (
          await fixture.storage().searchMessages({ terms: ['launch'], order: 'newest', limit: 10, readerId, spaceIds })
        ).results.map((hit) => hit.message.id);
      expect(await found()).toEqual([inMain.id, inOpen.id, inSecret.id]);
      expect(await found(ann.id)).toEqual([inMain.id, inOpen.id, inSecret.id]);
      expect(await found(bob.id)).toEqual([inMain.id, inOpen.id]);
      expect(await found(bob.id, ['secret'])).toEqual([]);
      expect(await found(bob.id, ['secret', 'open'])).toEqual([inOpen.id]);
      await fixture
        .storage()
        .addMember({ spaceId: 'secret', actor: { timiteId: ann.id }, timiteId: bob.id, role: 'member', joinedAt: T0 });
      expect(await found(bob.id)).toEqual([inMain.id, inOpen.id, inSecret.id]);
    });
  });
}

function describeDmsContract(makeStorage: MakeAccessStorage): void {
  describe('direct messages', () => {
    const fixture = useAccessStorage(makeStorage);

    it('opens a DM once for a set of timites, whatever the order, every participant a member', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const bot = await fixture.createAgent('bot');
      const store = fixture.storage();
      const first = await store.openDm({ timiteIds: [ann.id, bob.id], name: 'ann, bob', createdAt: T0 });
      const space = {
        id: dmSpaceIdOf([bob.id, ann.id]),
        name: 'ann, bob',
        createdAt: T0.toISOString(),
        visibility: 'private',
        kind: 'dm',
      };
      expect(first).toEqual({ outcome: 'created', space });
      expect(space.id).toMatch(/^dm-[a-z2-7]{26}$/);
      expect(
        await store.openDm({ timiteIds: [bob.id, ann.id, bob.id], name: 'other', createdAt: msAfterT0(1) }),
      ).toEqual({
        outcome: 'opened',
        space,
      });
      const members = await store.listMembers(space.id);
      expect(members.map((member) => [member.timite.nick, member.role]).sort()).toEqual([
        ['ann', 'member'],
        ['bob', 'member'],
      ]);
      const three = await store.openDm({ timiteIds: [ann.id, bob.id, bot.id], name: 'ann, bob, bot', createdAt: T0 });
      expect(three).toMatchObject({ outcome: 'created', space: { kind: 'dm' } });
      expect(three.outcome === 'created' && three.space.id).not.toBe(space.id);
      expect(await store.openDm({ timiteIds: [ann.id, 999], name: 'x', createdAt: T0 })).toEqual({
        outcome: 'unknown_timite',
      });
      expect(await store.countSpacesCreatedBy(ann.id)).toBe(0);
    });

    it('keeps a DM as it is: nobody joins, invites, leaves or is removed, and it stays private', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const cat = await fixture.createHuman('cat');
      const store = fixture.storage();
      const opened = await store.openDm({ timiteIds: [ann.id, bob.id], name: 'ann, bob', createdAt: T0 });
      if (opened.outcome !== 'created') throw new Error(`Expected created, got ${opened.outcome}`);
      const spaceId = opened.space.id;
      expect(
        await store.addMember({ spaceId, actor: { timiteId: ann.id }, timiteId: cat.id, role: 'member', joinedAt: T0 }),
      ).toEqual({ outcome: 'forbidden' });
      expect(
        await store.addMember({ spaceId, actor: { timiteId: cat.id }, timiteId: cat.id, role: 'member', joinedAt: T0 }),
      ).toEqual({ outcome: 'forbidden' });
      expect(await store.removeMember({ spaceId, actor: { timiteId: ann.id }, timiteId: ann.id })).toEqual({
        outcome: 'forbidden',
      });
      expect(await store.changeRole({ spaceId, actor: 'operator', timiteId: ann.id, role: 'owner' })).toEqual({
        outcome: 'forbidden',
      });
      expect(await store.updateSpace({ spaceId, actor: 'operator', visibility: 'public', at: T0 })).toEqual({
        outcome: 'forbidden',
      });
      expect((await store.getSpaceAccess(spaceId, cat.id))?.role).toBeUndefined();
    });

    it('creates one space when the same DM is opened twice at once', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const store = fixture.storage();
      const results = await Promise.all([
        store.openDm({ timiteIds: [ann.id, bob.id], name: 'ann, bob', createdAt: T0 }),
        store.openDm({ timiteIds: [bob.id, ann.id], name: 'bob, ann', createdAt: T0 }),
        store.openDm({ timiteIds: [ann.id, bob.id], name: 'ann, bob', createdAt: T0 }),
      ]);
      expect(results.map((result) => result.outcome).sort()).toEqual(['created', 'opened', 'opened']);
      const ids = new Set(results.map((result) => ('space' in result ? result.space.id : undefined)));
      expect(ids).toEqual(new Set([dmSpaceIdOf([ann.id, bob.id])]));
      const mine = await store.listSpacesFor({ readerId: ann.id, scope: 'mine', limit: 10 });
      expect(mine.map((access) => access.space.kind)).toEqual(['dm']);
      expect(await store.listMembers(dmSpaceIdOf([ann.id, bob.id]))).toHaveLength(2);
    });
  });
}

function describeListingsContract(makeStorage: MakeAccessStorage): void {
  describe('listSpacesFor', () => {
    const fixture = useAccessStorage(makeStorage);

    it('lists what the reader may read, its own spaces, or public ones by text, in creation order', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const store = fixture.storage();
      await fixture.spaceOwnedBy(ann, 'ann-secret', 'private');
      await fixture.spaceOwnedBy(bob, 'bob-garden');
      await fixture.spaceOwnedBy(bob, 'bob-secret', 'private');
      await fixture.spaceOwnedBy(ann, 'cooking');
      await store.updateSpace({ spaceId: 'cooking', actor: 'operator', name: 'Garden Kitchen', at: T0 });
      const dm = await store.openDm({ timiteIds: [ann.id, bob.id], name: 'ann, bob', createdAt: T0 });
      const dmId = 'space' in dm ? dm.space.id : '';
      const listed = async (readerId: number, scope: 'all' | 'mine' | 'public', q?: string) =>
        (await store.listSpacesFor({ readerId, scope, q, limit: 50 })).map((access) => [access.space.id, access.role]);

      expect(await listed(ann.id, 'all')).toEqual([
        [MAIN_SPACE_ID, undefined],
        ['ann-secret', 'owner'],
        ['bob-garden', undefined],
        ['cooking', 'owner'],
        [dmId, 'member'],
      ]);
      expect(await listed(bob.id, 'all')).toEqual([
        [MAIN_SPACE_ID, undefined],
        ['bob-garden', 'owner'],
        ['bob-secret', 'owner'],
        ['cooking', undefined],
        [dmId, 'member'],
      ]);
      expect(await listed(ann.id, 'mine')).toEqual([
        ['ann-secret', 'owner'],
        ['cooking', 'owner'],
        [dmId, 'member'],
      ]);
      expect(await listed(ann.id, 'public')).toEqual([
        [MAIN_SPACE_ID, undefined],
        ['bob-garden', undefined],
        ['cooking', 'owner'],
      ]);
      // q matches the id or the name, case ignored; private spaces never match.
      expect(await listed(ann.id, 'public', 'GARDEN')).toEqual([
        ['bob-garden', undefined],
        ['cooking', 'owner'],
      ]);
      expect(await listed(ann.id, 'public', 'secret')).toEqual([]);
      expect(await listed(ann.id, 'public', '%')).toEqual([]);
      const spaceListed = (await store.listSpacesFor({ readerId: ann.id, scope: 'all', limit: 2 }))[1];
      expect(spaceListed).toEqual({
        space: {
          id: 'ann-secret',
          name: 'Space ann-secret',
          createdAt: T0.toISOString(),
          visibility: 'private',
          kind: 'space',
        },
        role: 'owner',
      });
    });

    it('pages after a space, and lists nothing after an unknown one', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const ids: string[] = [];
      for (let index = 0; index < 12; index += 1) {
        const id = `s-${String(index).padStart(2, '0')}`;
        await fixture.spaceOwnedBy(index % 3 === 0 ? bob : ann, id, index % 2 === 0 ? 'private' : 'public');
        ids.push(id);
      }
      const readable = [MAIN_SPACE_ID, ...ids.filter((_, index) => index % 2 === 1 || index % 3 !== 0)];
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await fixture.storage().listSpacesFor({ readerId: ann.id, scope: 'all', after, limit: 4 });
        seen.push(...page.map((access) => access.space.id));
        if (page.length < 4) break;
        after = page.at(-1)?.space.id;
      }
      expect(seen).toEqual(readable);
      // A page may start after a space the reader cannot read (it only marks a place).
      const afterHidden = await fixture
        .storage()
        .listSpacesFor({ readerId: ann.id, scope: 'mine', after: 's-00', limit: 2 });
      expect(afterHidden.map((access) => access.space.id)).toEqual(['s-01', 's-02']);
      expect(
        await fixture.storage().listSpacesFor({ readerId: ann.id, scope: 'all', after: 'never-made', limit: 4 }),
      ).toEqual([]);
    });
  });
}
