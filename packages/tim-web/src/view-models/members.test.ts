import { TimClientError, type Member, type Space, type SpaceRole } from '@tim/protocol';
import {
  canManage,
  canRemove,
  describeNewRole,
  isRefusal,
  isSteppingDown,
  rolesToGive,
  sortedMembers,
  withMember,
} from './members';

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

  describe('rolesToGive', () => {
    const [cy, bob, ada] = members as [Member, Member, Member];
    const rolesFor = (target: Member, myId: number, among: readonly Member[] = members, where = space) =>
      rolesToGive({ space: where, member: target, members: among, myId });

    it('offers an owner every role for anyone else', () => {
      expect(rolesFor(bob, 1)).toEqual(['owner', 'admin', 'member']);
      expect(rolesFor(cy, 1)).toEqual(['owner', 'admin', 'member']);
    });

    it('offers an admin admin and member, and nothing for an owner', () => {
      expect(rolesFor(cy, 2)).toEqual(['admin', 'member']);
      expect(rolesFor(ada, 2)).toEqual([]);
    });

    it('offers a member nobody, and nobody anything in a DM', () => {
      expect(rolesFor(bob, 3)).toEqual([]);
      expect(rolesFor(cy, 99)).toEqual([]);
      expect(rolesFor(bob, 1, members, { ...space, kind: 'dm' })).toEqual([]);
    });

    it('lets the reader only step down: an admin to member, an owner while another owner remains', () => {
      expect(rolesFor(bob, 2)).toEqual(['admin', 'member']);
      expect(rolesFor(ada, 1)).toEqual([]);
      const twoOwners = withMember(members, { ...bob, role: 'owner' });
      expect(rolesFor(ada, 1, twoOwners)).toEqual(['owner', 'admin', 'member']);
      expect(rolesFor({ ...bob, role: 'owner' }, 1, twoOwners)).toEqual(['owner', 'admin', 'member']);
    });
  });

  it('calls a lower role for oneself stepping down, and nothing else', () => {
    const [cy, bob, ada] = members as [Member, Member, Member];
    expect(isSteppingDown(ada, 'admin', 1)).toBe(true);
    expect(isSteppingDown(bob, 'member', 2)).toBe(true);
    expect(isSteppingDown(bob, 'member', 1)).toBe(false);
    expect(isSteppingDown(cy, 'admin', 3)).toBe(false);
    expect(isSteppingDown(ada, 'owner', 1)).toBe(false);
  });

  it('puts the changed member in place of the old one and leaves the rest', () => {
    const changed = member(3, 'cy', 'admin');
    const next = withMember(members, changed);
    expect(next.map((one) => one.role)).toEqual(['admin', 'admin', 'owner', 'member']);
    expect(next[0]).toBe(changed);
    expect(next[1]).toBe(members[1]);
    expect(members[0]?.role).toBe('member');
  });

  it('says who has which role now, in words', () => {
    expect(describeNewRole(member(2, 'Bob', 'admin'), 1)).toBe('Bob is now an admin.');
    expect(describeNewRole(member(1, 'ada', 'member'), 1)).toBe('You are now a member.');
    expect(describeNewRole(member(3, 'cy', 'owner'), 1)).toBe('cy is now an owner.');
  });

  it('tells a refusal by the server from a failure to answer', () => {
    expect(isRefusal(new TimClientError('forbidden', 'Only the owners…', { status: 403 }))).toBe(true);
    expect(isRefusal(new TimClientError('conflict', 'A space keeps at least one owner…', { status: 409 }))).toBe(true);
    expect(isRefusal(new TimClientError('not_found', 'Timite 5 is not a member…', { status: 404 }))).toBe(true);
    expect(isRefusal(new TimClientError('network', 'Could not reach the server.'))).toBe(false);
    expect(isRefusal(new TimClientError('rate_limited', 'Slow down.', { status: 429 }))).toBe(false);
    expect(isRefusal(new Error('forbidden'))).toBe(false);
  });
});
