import { TimClientError, type Member, type Space, type SpaceRole } from '@tim/protocol';

const RANK: Record<SpaceRole, number> = { owner: 0, admin: 1, member: 2 };

/** The roles in rank order: the order a role control offers them. */
const ROLES: readonly SpaceRole[] = ['owner', 'admin', 'member'];

function roleOf(members: readonly Member[], timiteId: number): SpaceRole | undefined {
  return members.find((candidate) => candidate.timite.id === timiteId)?.role;
}

/** Members as the panel lists them: owners, then admins, then members, each by nick. */
export function sortedMembers(members: readonly Member[]): Member[] {
  return [...members].sort(
    (a, b) =>
      RANK[a.role] - RANK[b.role] || a.timite.nick.localeCompare(b.timite.nick, undefined, { sensitivity: 'base' }),
  );
}

/** Whether the reader invites and removes here: an owner or admin of a space that is not a DM. */
export function canManage(space: Space | undefined, members: readonly Member[], myId: number): boolean {
  if (space?.kind === 'dm') return false;
  const mine = roleOf(members, myId);
  return mine === 'owner' || mine === 'admin';
}

/** Whether the reader may remove this member: not themselves, and admins do not remove owners (the server decides too). */
export function canRemove(member: Member, members: readonly Member[], myId: number): boolean {
  if (member.timite.id === myId) return false;
  const mine = roleOf(members, myId);
  if (mine === 'owner') return true;
  return mine === 'admin' && member.role !== 'owner';
}

/**
 * The roles the reader may give this member, its current one included, in rank order; empty
 * when the reader may change nothing. As the server decides (protocol §10): owners and admins
 * change roles, only owners give or take 'owner', nobody in a DM, and the last owner keeps the
 * role. So the reader's own row offers only stepping down: an admin to member, an owner while
 * another owner remains.
 */
export function rolesToGive(input: {
  space: Space | undefined;
  member: Member;
  members: readonly Member[];
  myId: number;
}): SpaceRole[] {
  const { space, member, members, myId } = input;
  if (!canManage(space, members, myId)) return [];
  const mine = roleOf(members, myId);
  if (member.role === 'owner') {
    const owners = members.filter((candidate) => candidate.role === 'owner').length;
    if (mine !== 'owner' || owners <= 1) return [];
  }
  return mine === 'owner' ? [...ROLES] : ROLES.filter((role) => role !== 'owner');
}

/** Whether giving `role` to `member` is the reader stepping down, which only someone else can undo. */
export function isSteppingDown(member: Member, role: SpaceRole, myId: number): boolean {
  return member.timite.id === myId && RANK[role] > RANK[member.role];
}

/** The members with `changed` in place of the member it is (matched by timite id). */
export function withMember(members: readonly Member[], changed: Member): Member[] {
  return members.map((member) => (member.timite.id === changed.timite.id ? changed : member));
}

const WITH_ARTICLE: Record<SpaceRole, string> = { owner: 'an owner', admin: 'an admin', member: 'a member' };

/** The sentence that confirms a role the server gave: "bob is now an admin." or "You are now a member." */
export function describeNewRole(member: Member, myId: number): string {
  const who = member.timite.id === myId ? 'You are' : `${member.timite.nick} is`;
  return `${who} now ${WITH_ARTICLE[member.role]}.`;
}

const REFUSALS: readonly string[] = ['forbidden', 'not_found', 'conflict'];

/**
 * Whether the server refused a change (403, 404, 409) rather than not answering. The panel offers
 * only what the server allows, so a refusal means its list is out of date: roles changed meanwhile.
 */
export function isRefusal(failure: unknown): boolean {
  return failure instanceof TimClientError && REFUSALS.includes(failure.code);
}
