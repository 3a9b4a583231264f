import type { Member, Space, SpaceRole } from '@tim/protocol';

const RANK: Record<SpaceRole, number> = { owner: 0, admin: 1, member: 2 };

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
  const mine = members.find((member) => member.timite.id === myId)?.role;
  return mine === 'owner' || mine === 'admin';
}

/** Whether the reader may remove this member: not themselves, and admins do not remove owners (the server decides too). */
export function canRemove(member: Member, members: readonly Member[], myId: number): boolean {
  if (member.timite.id === myId) return false;
  const mine = members.find((candidate) => candidate.timite.id === myId)?.role;
  if (mine === 'owner') return true;
  return mine === 'admin' && member.role !== 'owner';
}
