import { SpaceId } from '@tim/protocol';
import {
  changedSpace,
  isReadable,
  judgeRemoval,
  judgeRoleChange,
  mayAddMember,
  mayChangeSpace,
  type SpaceFacts,
} from './access-rules';
import { dmKeyOf, dmSpaceIdOf } from './dm-keys';
import type { AccessActor, SpaceRole } from './storage';

const publicSpace: SpaceFacts = { kind: 'space', visibility: 'public' };
const privateSpace: SpaceFacts = { kind: 'space', visibility: 'private' };
const dm: SpaceFacts = { kind: 'dm', visibility: 'private' };
const ann: AccessActor = { timiteId: 1 };

describe('the owner rules', () => {
  it('lets owners add anyone, admins add members and admins, anyone join a public space as a member', () => {
    const add = (actorRole: SpaceRole | undefined, role: SpaceRole, space = privateSpace, timiteId = 2) =>
      mayAddMember({ actor: ann, actorRole, space, timiteId, role });
    expect(add('owner', 'owner')).toBe(true);
    expect(add('admin', 'admin')).toBe(true);
    expect(add('admin', 'owner')).toBe(false);
    expect(add('member', 'member')).toBe(false);
    expect(add(undefined, 'member', publicSpace, 1)).toBe(true);
    expect(add(undefined, 'admin', publicSpace, 1)).toBe(false);
    expect(add(undefined, 'member', privateSpace, 1)).toBe(false);
    expect(add('owner', 'member', dm)).toBe(false);
    expect(
      mayAddMember({ actor: 'operator', actorRole: undefined, space: privateSpace, timiteId: 2, role: 'owner' }),
    ).toBe(true);
  });

  it('changes roles only by managers, owner only by owners, never taking the last owner away', () => {
    const change = (actorRole: SpaceRole | undefined, targetRole: SpaceRole, role: SpaceRole, owners = 1) =>
      judgeRoleChange({ actor: ann, actorRole, space: publicSpace, targetRole, role, owners });
    expect(change('admin', 'member', 'admin')).toBe('allowed');
    expect(change('admin', 'member', 'owner')).toBe('forbidden');
    expect(change('admin', 'owner', 'member', 2)).toBe('forbidden');
    expect(change('member', 'member', 'admin')).toBe('forbidden');
    expect(change('owner', 'owner', 'admin', 1)).toBe('last_owner');
    expect(change('owner', 'owner', 'admin', 2)).toBe('allowed');
    expect(change('owner', 'owner', 'owner', 1)).toBe('allowed');
  });

  it('removes: self, owners anyone, admins all but owners; never the last owner; nothing in a DM', () => {
    const remove = (actorRole: SpaceRole | undefined, targetRole: SpaceRole, timiteId = 2, owners = 1) =>
      judgeRemoval({ actor: ann, actorRole, space: publicSpace, timiteId, targetRole, owners });
    expect(remove('member', 'member', 1)).toBe('allowed');
    expect(remove('member', 'member')).toBe('forbidden');
    expect(remove('admin', 'member')).toBe('allowed');
    expect(remove('admin', 'owner', 2, 2)).toBe('forbidden');
    expect(remove('owner', 'owner', 2, 2)).toBe('allowed');
    expect(remove('owner', 'owner', 1, 1)).toBe('last_owner');
    expect(
      judgeRemoval({ actor: ann, actorRole: 'member', space: dm, timiteId: 1, targetRole: 'member', owners: 0 }),
    ).toBe('forbidden');
  });

  it('changes a space by managers only, and never makes a DM public', () => {
    expect(mayChangeSpace({ actor: ann, actorRole: 'admin', space: privateSpace, visibility: 'public' })).toBe(true);
    expect(mayChangeSpace({ actor: ann, actorRole: 'member', space: publicSpace })).toBe(false);
    expect(mayChangeSpace({ actor: 'operator', actorRole: undefined, space: dm, visibility: 'public' })).toBe(false);
  });

  it('reads public spaces, and private ones only as a member', () => {
    const space = { id: 's', name: 's', createdAt: new Date(0).toISOString() };
    expect(isReadable({ space })).toBe(true);
    expect(isReadable({ space: { ...space, visibility: 'public' } })).toBe(true);
    expect(isReadable({ space: { ...space, visibility: 'private' } })).toBe(false);
    expect(isReadable({ space: { ...space, visibility: 'private' }, role: 'member' })).toBe(true);
  });

  it('archives once and unarchives', () => {
    const space = { id: 's', name: 's', createdAt: new Date(0).toISOString() };
    const archived = changedSpace(space, { archived: true, at: new Date(5) });
    expect(archived.archivedAt).toBe(new Date(5).toISOString());
    expect(changedSpace(archived, { archived: true, at: new Date(9) }).archivedAt).toBe(new Date(5).toISOString());
    expect(changedSpace(archived, { archived: false, at: new Date(9) })).toEqual(space);
  });
});

describe('DM keys', () => {
  it('name the same set of timites alike, whatever the order and repeats, with a valid space id', () => {
    expect(dmKeyOf([12, 3, 12])).toBe('3,12');
    expect(dmSpaceIdOf([12, 3])).toBe(dmSpaceIdOf([3, 12, 3]));
    expect(dmSpaceIdOf([1, 2])).not.toBe(dmSpaceIdOf([1, 2, 3]));
    expect(dmSpaceIdOf([1, 23])).not.toBe(dmSpaceIdOf([12, 3]));
    expect(SpaceId.safeParse(dmSpaceIdOf([1, 2])).success).toBe(true);
    expect(dmSpaceIdOf([1, 2])).toMatch(/^dm-[a-z2-7]{26}$/);
  });
});
