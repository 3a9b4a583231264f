import type { Space } from '@tim/protocol';
import type { AccessActor, SpaceAccess, SpaceKind, SpaceRole, SpaceVisibility } from './storage';

/*
 * The owner rules of issue 19, shared by every backend. Each backend reads what a rule needs
 * (the actor's and the target's roles, the space's owner count) in the transaction that makes
 * the change, under the lock that orders membership changes of the space, and asks these.
 */

/** What the rules need to know of a space. */
export interface SpaceFacts {
  kind: SpaceKind;
  visibility: SpaceVisibility;
}

/** The actor's role in the space; undefined when it is not a member (or the operator). */
export type ActorRole = SpaceRole | undefined;

function isManager(role: ActorRole): boolean {
  return role === 'owner' || role === 'admin';
}

function isSelf(actor: AccessActor, timiteId: number): boolean {
  return actor !== 'operator' && actor.timiteId === timiteId;
}

/** Whether the reader may read the space: it is public, or the reader is a member (it has a role). */
export function isReadable(access: SpaceAccess): boolean {
  return access.space.visibility !== 'private' || access.role !== undefined;
}

/** Adding `timiteId` with `role`: a join of a public space, or an invitation by an owner or admin. */
export function mayAddMember(input: {
  actor: AccessActor;
  actorRole: ActorRole;
  space: SpaceFacts;
  timiteId: number;
  role: SpaceRole;
}): boolean {
  if (input.space.kind === 'dm') return false;
  if (input.actor === 'operator') return true;
  if (isSelf(input.actor, input.timiteId) && input.role === 'member' && input.space.visibility === 'public')
    return true;
  if (input.role === 'owner') return input.actorRole === 'owner';
  return isManager(input.actorRole);
}

export type MembershipVerdict = 'allowed' | 'forbidden' | 'last_owner';

/** Changing a member's role: owners and admins, only owners touching 'owner', never the last owner away. */
export function judgeRoleChange(input: {
  actor: AccessActor;
  actorRole: ActorRole;
  space: SpaceFacts;
  targetRole: SpaceRole;
  role: SpaceRole;
  owners: number;
}): MembershipVerdict {
  if (input.space.kind === 'dm') return 'forbidden';
  if (input.actor !== 'operator') {
    if (!isManager(input.actorRole)) return 'forbidden';
    if ((input.role === 'owner' || input.targetRole === 'owner') && input.actorRole !== 'owner') return 'forbidden';
  }
  if (input.targetRole === 'owner' && input.role !== 'owner' && input.owners <= 1) return 'last_owner';
  return 'allowed';
}

/** Removing a member: itself (leaving), or by an owner or admin (admins do not remove owners); never the last owner. */
export function judgeRemoval(input: {
  actor: AccessActor;
  actorRole: ActorRole;
  space: SpaceFacts;
  timiteId: number;
  targetRole: SpaceRole;
  owners: number;
}): MembershipVerdict {
  if (input.space.kind === 'dm') return 'forbidden';
  const allowed =
    input.actor === 'operator' ||
    isSelf(input.actor, input.timiteId) ||
    input.actorRole === 'owner' ||
    (input.actorRole === 'admin' && input.targetRole !== 'owner');
  if (!allowed) return 'forbidden';
  if (input.targetRole === 'owner' && input.owners <= 1) return 'last_owner';
  return 'allowed';
}

/** Renaming, switching visibility, archiving: owners and admins; a DM stays private. */
export function mayChangeSpace(input: {
  actor: AccessActor;
  actorRole: ActorRole;
  space: SpaceFacts;
  visibility?: SpaceVisibility;
}): boolean {
  if (input.space.kind === 'dm' && input.visibility === 'public') return false;
  return input.actor === 'operator' || isManager(input.actorRole);
}

/** The columns of a space as both SQL backends select them (times in ms). */
export interface SpaceColumns {
  id: string;
  name: string;
  created_at: number;
  visibility: string;
  kind: string;
  archived_at: number | null;
}

export function parseVisibility(value: string): SpaceVisibility {
  if (value === 'public' || value === 'private') return value;
  throw new Error(`Not a space visibility: ${JSON.stringify(value)}`);
}

export function parseKind(value: string): SpaceKind {
  if (value === 'space' || value === 'dm') return value;
  throw new Error(`Not a space kind: ${JSON.stringify(value)}`);
}

export function parseRole(value: string): SpaceRole {
  if (value === 'owner' || value === 'admin' || value === 'member') return value;
  throw new Error(`Not a space role: ${JSON.stringify(value)}`);
}

/** A space row as the protocol's Space: visibility and kind always, archivedAt when archived. */
export function spaceOfColumns(row: SpaceColumns): Space {
  const space: Space = {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    visibility: parseVisibility(row.visibility),
    kind: parseKind(row.kind),
  };
  if (row.archived_at !== null) space.archivedAt = new Date(row.archived_at).toISOString();
  return space;
}

/** The space after a change: `archived` keeps an existing archive time, so archiving twice changes nothing. */
export function changedSpace(
  space: Space,
  change: { name?: string; visibility?: SpaceVisibility; archived?: boolean; at: Date },
): Space {
  const next: Space = { ...space };
  if (change.name !== undefined) next.name = change.name;
  if (change.visibility !== undefined) next.visibility = change.visibility;
  if (change.archived === true && next.archivedAt === undefined) next.archivedAt = change.at.toISOString();
  if (change.archived === false) delete next.archivedAt;
  return next;
}

/** An invite code is usable while it has uses left and has not expired at `now`. */
export function inviteUsable(code: { usesLeft: number; expiresAt: number | null }, now: Date): boolean {
  return code.usesLeft > 0 && (code.expiresAt === null || code.expiresAt > now.getTime());
}

/** Whether `q` is in the space's id or name, case ignored. */
export function spaceMatches(space: Space, q: string): boolean {
  const needle = q.toLowerCase();
  return space.id.toLowerCase().includes(needle) || space.name.toLowerCase().includes(needle);
}
