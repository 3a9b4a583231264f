import type { Member, Space, SpaceRole } from '@tim/protocol';
import { canManage, canRemove, sortedMembers } from './members';

const at = '2026-01-01T00:00:00.000Z';
const member = (id: number, nick: string, role: SpaceRole): Member => ({
  timite: { id, nick, kind: 'human' },
  role,
  joinedAt: at,
});
const space: Space = { id: 'club', name: 'Club', createdAt: at, visibility: 'private', kind: 'space' };
const members = [
  member(3, 'cy', 'member'),
  member(2, 'Bob', 'admin'),
  member(1, 'ada', 'owner'),
  member(4, 'al', 'member'),
];

describe('members', () => {
  it('lists owners, admins, then members, each by nick', () => {
    expect(sortedMembers(members).map((one) => one.timite.nick)).toEqual(['ada', 'Bob', 'al', 'cy']);
  });

  it('lets owners and admins manage a space, not members, and nobody a DM', () => {
    expect(canManage(space, members, 1)).toBe(true);
    expect(canManage(space, members, 2)).toBe(true);
    expect(canManage(space, members, 3)).toBe(false);
    expect(canManage(space, members, 99)).toBe(false);
    expect(canManage({ ...space, kind: 'dm' }, members, 1)).toBe(false);
  });

  it('lets owners remove anyone else and admins remove everyone but owners', () => {
    const [cy, bob, ada] = members as [Member, Member, Member];
    expect(canRemove(bob, members, 1)).toBe(true);
    expect(canRemove(ada, members, 1)).toBe(false);
    expect(canRemove(cy, members, 2)).toBe(true);
    expect(canRemove(ada, members, 2)).toBe(false);
    expect(canRemove(bob, members, 3)).toBe(false);
  });
});
