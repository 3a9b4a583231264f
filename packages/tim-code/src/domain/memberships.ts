import type { Member, Space, SpaceId, SpaceRole, Timite, UpdateSpaceRequest } from '@tim/protocol';
import type { AccessChange } from '../bus/access-change';
import type { Bus } from '../bus/bus';
import type { AccessStorage, SpaceMember, Storage } from '../storage/storage';
import { noSuchSpace, type SpaceAccessCheck } from './space-access';
import { TimError } from './tim-error';

/*
 * Members, roles, a space's settings and DMs (issue 19). Every call first checks that the
 * caller may read the space (a private space of others is not found), then lets storage check
 * the caller's authority in the transaction that makes the change. A change of who may read a
 * space is published on the bus, so that every process forgets what it cached, ends the
 * subscriptions of those who lost the space and tells those someone else made members of it.
 */

export interface MembershipDeps {
  storage: AccessStorage & Pick<Storage, 'findTimiteByNick'>;
  bus: Bus;
  access: SpaceAccessCheck;
  now: () => Date;
  /** Told about a publish that failed; the change itself has already been made. */
  onPublishError: (err: unknown, spaceId: SpaceId) => void;
}

const LAST_OWNER = 'A space keeps at least one owner: make someone else owner first.';

function toMember(member: SpaceMember): Member {
  return { timite: member.timite, role: member.role, joinedAt: member.joinedAt };
}

function publishAccessChange(deps: MembershipDeps, spaceId: SpaceId, change: AccessChange = {}): void {
  deps.access.forget(spaceId);
  deps.bus.publish(spaceId, { kind: 'access', ...change }).catch((err: unknown) => deps.onPublishError(err, spaceId));
}

async function timiteByNick(deps: MembershipDeps, nick: string): Promise<Timite> {
  const record = await deps.storage.findTimiteByNick(nick);
  if (record === undefined) throw new TimError('not_found', `There is no timite "${nick}".`);
  return record.timite;
}

/** Every member, in the order they joined; anyone who may read the space may ask. */
export async function listMembers(deps: MembershipDeps, actor: Timite, spaceId: SpaceId): Promise<Member[]> {
  await deps.access.readable(actor.id, spaceId);
  return (await deps.storage.listMembers(spaceId)).map(toMember);
}

/** Invites a timite by nick (owners and admins); 409 when it is a member already. */
export async function addMember(
  deps: MembershipDeps,
  input: { actor: Timite; spaceId: SpaceId; nick: string; role: Extract<SpaceRole, 'member' | 'admin'> },
): Promise<Member> {
  await deps.access.readable(input.actor.id, input.spaceId);
  const timite = await timiteByNick(deps, input.nick);
  const result = await deps.storage.addMember({
    spaceId: input.spaceId,
    actor: { timiteId: input.actor.id },
    timiteId: timite.id,
    role: input.role,
    joinedAt: deps.now(),
  });
  switch (result.outcome) {
    case 'created':
      publishAccessChange(deps, input.spaceId, { grant: { timiteIds: [timite.id] } });
      return toMember(result.member);
    case 'already_member':
      throw new TimError('conflict', `"${timite.nick}" is a member of "${input.spaceId}" already.`);
    case 'unknown_timite':
      throw new TimError('not_found', `There is no timite "${input.nick}".`);
    case 'space_not_found':
      throw noSuchSpace(input.spaceId);
    case 'forbidden':
      throw new TimError('forbidden', `Only the owners and admins of "${input.spaceId}" invite others.`);
  }
}

/** Joins a space the caller may read (public, in practice); `created: false` when it was a member already. */
export async function joinSpace(
  deps: MembershipDeps,
  actor: Timite,
  spaceId: SpaceId,
): Promise<{ member: Member; created: boolean }> {
  await deps.access.readable(actor.id, spaceId);
  const result = await deps.storage.addMember({
    spaceId,
    actor: { timiteId: actor.id },
    timiteId: actor.id,
    role: 'member',
    joinedAt: deps.now(),
  });
  switch (result.outcome) {
    case 'created':
      publishAccessChange(deps, spaceId);
      return { member: toMember(result.member), created: true };
    case 'already_member':
      return { member: toMember(result.member), created: false };
    case 'unknown_timite':
    case 'space_not_found':
      throw noSuchSpace(spaceId);
    case 'forbidden':
      throw new TimError('forbidden', `Nobody joins "${spaceId}" by themselves: ask one of its owners or admins.`);
  }
}

/** Changes a member's role (owners and admins; only owners give or take 'owner'). */
export async function changeRole(
  deps: MembershipDeps,
  input: { actor: Timite; spaceId: SpaceId; timiteId: number; role: SpaceRole },
): Promise<Member> {
  await deps.access.readable(input.actor.id, input.spaceId);
  const result = await deps.storage.changeRole({
    spaceId: input.spaceId,
    actor: { timiteId: input.actor.id },
    timiteId: input.timiteId,
    role: input.role,
  });
  switch (result.outcome) {
    case 'changed':
      publishAccessChange(deps, input.spaceId);
      return toMember(result.member);
    case 'unchanged':
      return toMember(result.member);
    case 'not_member':
      throw new TimError('not_found', `Timite ${input.timiteId} is not a member of "${input.spaceId}".`);
    case 'space_not_found':
      throw noSuchSpace(input.spaceId);
    case 'forbidden':
      throw new TimError(
        'forbidden',
        `Only the owners and admins of "${input.spaceId}" change roles, and only owners make or unmake owners.`,
      );
    case 'last_owner':
      throw new TimError('conflict', LAST_OWNER);
  }
}

/**
 * Removes a member (owners and admins; admins do not remove owners), or the caller itself
 * (leaving). In a private space the removed timite's live subscriptions end on every process.
 */
export async function removeMember(
  deps: MembershipDeps,
  input: { actor: Timite; spaceId: SpaceId; timiteId: number },
): Promise<void> {
  const { space } = await deps.access.readable(input.actor.id, input.spaceId, { fresh: true });
  const result = await deps.storage.removeMember({
    spaceId: input.spaceId,
    actor: { timiteId: input.actor.id },
    timiteId: input.timiteId,
  });
  switch (result.outcome) {
    case 'removed':
      // Anyone reads a public space: a removal there takes no subscription away.
      publishAccessChange(
        deps,
        input.spaceId,
        space.visibility === 'private' ? { revoke: { timiteId: input.timiteId } } : {},
      );
      return;
    case 'not_member':
      throw new TimError('not_found', `Timite ${input.timiteId} is not a member of "${input.spaceId}".`);
    case 'space_not_found':
      throw noSuchSpace(input.spaceId);
    case 'forbidden':
      throw new TimError(
        'forbidden',
        input.timiteId === input.actor.id
          ? `Nobody leaves "${input.spaceId}": it is a direct message.`
          : `Only the owners and admins of "${input.spaceId}" remove members, and admins do not remove owners.`,
      );
    case 'last_owner':
      throw new TimError('conflict', LAST_OWNER);
  }
}

/** Renames, switches visibility, archives or unarchives (owners and admins). */
export async function updateSpace(
  deps: MembershipDeps,
  input: { actor: Timite; spaceId: SpaceId; changes: UpdateSpaceRequest },
): Promise<Space> {
  await deps.access.readable(input.actor.id, input.spaceId, { fresh: true });
  const { name, visibility, archived } = input.changes;
  const result = await deps.storage.updateSpace({
    spaceId: input.spaceId,
    actor: { timiteId: input.actor.id },
    ...(name === undefined ? {} : { name }),
    ...(visibility === undefined ? {} : { visibility }),
    ...(archived === undefined ? {} : { archived }),
    at: deps.now(),
  });
  switch (result.outcome) {
    case 'updated': {
      const turnedPrivate = result.before.visibility !== 'private' && result.space.visibility === 'private';
      if (turnedPrivate) {
        const members = await deps.storage.listMembers(input.spaceId);
        publishAccessChange(deps, input.spaceId, {
          revoke: { exceptMembers: members.map((member) => member.timite.id) },
        });
      } else {
        publishAccessChange(deps, input.spaceId);
      }
      return result.space;
    }
    case 'space_not_found':
      throw noSuchSpace(input.spaceId);
    case 'forbidden':
      throw new TimError(
        'forbidden',
        `Only the owners and admins of "${input.spaceId}" change it, and a direct message stays private.`,
      );
  }
}

/**
 * Opens the direct message between the caller and these nicks: the same set of timites always
 * gets the same private space, created the first time with everyone a member.
 */
export async function openDm(
  deps: MembershipDeps,
  input: { actor: Timite; nicks: string[] },
): Promise<{ space: Space; created: boolean }> {
  const participants = new Map<number, Timite>([[input.actor.id, input.actor]]);
  for (const nick of input.nicks) {
    const timite = await timiteByNick(deps, nick);
    participants.set(timite.id, timite);
  }
  if (participants.size < 2) throw new TimError('invalid_request', 'A direct message needs someone besides you.');
  const name = [...participants.values()]
    .map((timite) => timite.nick)
    .sort((a, b) => a.localeCompare(b))
    .join(', ');
  const result = await deps.storage.openDm({ timiteIds: [...participants.keys()], name, createdAt: deps.now() });
  switch (result.outcome) {
    case 'created':
      // Everyone in it, the caller too: its other devices list the new space as well.
      publishAccessChange(deps, result.space.id, { grant: { timiteIds: [...participants.keys()] } });
      return { space: result.space, created: true };
    case 'opened':
      return { space: result.space, created: false };
    case 'unknown_timite':
      throw new TimError('not_found', 'One of these timites no longer exists.');
    case 'id_taken':
      throw new TimError('conflict', 'A space that is not this direct message has its id.');
  }
}
