import type { Space, SpaceId } from '@tim/protocol';
import {
  changedSpace,
  inviteUsable,
  judgeRemoval,
  judgeRoleChange,
  mayAddMember,
  mayChangeSpace,
  spaceMatches,
  type ActorRole,
  type SpaceFacts,
} from '../access-rules';
import { dmKeyOf, dmParticipants, dmSpaceIdOf } from '../dm-keys';
import type { AccessActor, AccessStorage, SpaceAccess, SpaceMember, SpaceRole, TimiteRecord } from '../storage';
import type { SpaceState } from './memory-timeline';

interface MemberState {
  role: SpaceRole;
  joinedAt: Date;
}

interface InviteState {
  usesLeft: number;
  expiresAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
}

export interface MemoryAccessDeps {
  timites: Map<number, TimiteRecord>;
  spaces: Map<SpaceId, SpaceState>;
  assertOpen(): void;
}

/** What the rest of the memory store asks of access control, beyond AccessStorage. */
export interface MemoryAccess extends AccessStorage {
  /** createSpace: the creator, when it names a timite, becomes the owner. */
  recordOwner(spaceId: SpaceId, timiteId: number, at: Date): void;
  /** createTimite: takes one use of the code; false (and nothing taken) when it cannot be used. */
  takeInvite(codeHash: string, now: Date): boolean;
  /** Whether the timite may read the space (public, or a member). */
  mayRead(spaceId: SpaceId, timiteId: number): boolean;
}

/** Access control in process memory; like the rest of the memory store, each method body runs synchronously. */
export function createMemoryAccess({ timites, spaces, assertOpen }: MemoryAccessDeps): MemoryAccess {
  /** spaceId → timiteId → membership, in the order members joined. */
  const members = new Map<SpaceId, Map<number, MemberState>>();
  /** dm key → the DM's space id. */
  const dmSpaces = new Map<string, SpaceId>();
  const invites = new Map<string, InviteState>();

  function membersOf(spaceId: SpaceId): Map<number, MemberState> {
    let found = members.get(spaceId);
    if (found === undefined) {
      found = new Map();
      members.set(spaceId, found);
    }
    return found;
  }

  function roleOf(spaceId: SpaceId, timiteId: number): SpaceRole | undefined {
    return members.get(spaceId)?.get(timiteId)?.role;
  }

  function actorRoleOf(spaceId: SpaceId, actor: AccessActor): ActorRole {
    return actor === 'operator' ? undefined : roleOf(spaceId, actor.timiteId);
  }

  function factsOf(space: Space): SpaceFacts {
    return { kind: space.kind ?? 'space', visibility: space.visibility ?? 'public' };
  }

  function ownerCount(spaceId: SpaceId): number {
    return [...(members.get(spaceId)?.values() ?? [])].filter((member) => member.role === 'owner').length;
  }

  function memberOf(timiteId: number, state: MemberState): SpaceMember {
    const record = timites.get(timiteId);
    if (record === undefined) throw new Error(`A member names no timite: ${timiteId}`);
    return { timite: { ...record.timite }, role: state.role, joinedAt: state.joinedAt.toISOString() };
  }

  function accessOf(state: SpaceState, timiteId: number): SpaceAccess {
    const role = roleOf(state.space.id, timiteId);
    return role === undefined ? { space: { ...state.space } } : { space: { ...state.space }, role };
  }

  return {
    recordOwner(spaceId, timiteId, at) {
      if (timites.has(timiteId)) membersOf(spaceId).set(timiteId, { role: 'owner', joinedAt: new Date(at) });
    },

    takeInvite(codeHash, now) {
      const invite = invites.get(codeHash);
      if (
        invite === undefined ||
        !inviteUsable({ usesLeft: invite.usesLeft, expiresAt: invite.expiresAt?.getTime() ?? null }, now)
      )
        return false;
      invite.usesLeft -= 1;
      return true;
    },

    mayRead(spaceId, timiteId) {
      const state = spaces.get(spaceId);
      if (state === undefined) return false;
      return state.space.visibility !== 'private' || roleOf(spaceId, timiteId) !== undefined;
    },

    async getSpaceAccess(spaceId, timiteId) {
      assertOpen();
      const state = spaces.get(spaceId);
      return state === undefined ? undefined : accessOf(state, timiteId);
    },

    async listMembers(spaceId) {
      assertOpen();
      return [...(members.get(spaceId)?.entries() ?? [])].map(([timiteId, state]) => memberOf(timiteId, state));
    },

    async addMember(input) {
      assertOpen();
      const state = spaces.get(input.spaceId);
      if (state === undefined) return { outcome: 'space_not_found' };
      const allowed = mayAddMember({
        actor: input.actor,
        actorRole: actorRoleOf(input.spaceId, input.actor),
        space: factsOf(state.space),
        timiteId: input.timiteId,
        role: input.role,
      });
      if (!allowed) return { outcome: 'forbidden' };
      if (!timites.has(input.timiteId)) return { outcome: 'unknown_timite' };
      const existing = members.get(input.spaceId)?.get(input.timiteId);
      if (existing !== undefined) return { outcome: 'already_member', member: memberOf(input.timiteId, existing) };
      const created = { role: input.role, joinedAt: new Date(input.joinedAt) };
      membersOf(input.spaceId).set(input.timiteId, created);
      return { outcome: 'created', member: memberOf(input.timiteId, created) };
    },

    async changeRole(input) {
      assertOpen();
      const state = spaces.get(input.spaceId);
      if (state === undefined) return { outcome: 'space_not_found' };
      const target = members.get(input.spaceId)?.get(input.timiteId);
      if (target === undefined) return { outcome: 'not_member' };
      const verdict = judgeRoleChange({
        actor: input.actor,
        actorRole: actorRoleOf(input.spaceId, input.actor),
        space: factsOf(state.space),
        targetRole: target.role,
        role: input.role,
        owners: ownerCount(input.spaceId),
      });
      if (verdict !== 'allowed') return { outcome: verdict };
      if (target.role === input.role) return { outcome: 'unchanged', member: memberOf(input.timiteId, target) };
      const previousRole = target.role;
      target.role = input.role;
      return { outcome: 'changed', member: memberOf(input.timiteId, target), previousRole };
    },

    async removeMember(input) {
      assertOpen();
      const state = spaces.get(input.spaceId);
      if (state === undefined) return { outcome: 'space_not_found' };
      const target = members.get(input.spaceId)?.get(input.timiteId);
      if (target === undefined) return { outcome: 'not_member' };
      const verdict = judgeRemoval({
        actor: input.actor,
        actorRole: actorRoleOf(input.spaceId, input.actor),
        space: factsOf(state.space),
        timiteId: input.timiteId,
        targetRole: target.role,
        owners: ownerCount(input.spaceId),
      });
      if (verdict !== 'allowed') return { outcome: verdict };
      members.get(input.spaceId)?.delete(input.timiteId);
      return { outcome: 'removed', role: target.role };
    },

    async updateSpace(input) {
      assertOpen();
      const state = spaces.get(input.spaceId);
      if (state === undefined) return { outcome: 'space_not_found' };
      const allowed = mayChangeSpace({
        actor: input.actor,
        actorRole: actorRoleOf(input.spaceId, input.actor),
        space: factsOf(state.space),
        visibility: input.visibility,
      });
      if (!allowed) return { outcome: 'forbidden' };
      const before = { ...state.space };
      state.space = changedSpace(state.space, input);
      return { outcome: 'updated', space: { ...state.space }, before };
    },

    async openDm(input) {
      assertOpen();
      const participants = dmParticipants(input.timiteIds);
      const key = dmKeyOf(participants);
      const existing = dmSpaces.get(key);
      const existingState = existing === undefined ? undefined : spaces.get(existing);
      if (existingState !== undefined) return { outcome: 'opened', space: { ...existingState.space } };
      if (participants.some((id) => !timites.has(id))) return { outcome: 'unknown_timite' };
      const id = dmSpaceIdOf(participants);
      if (spaces.has(id)) return { outcome: 'id_taken' };
      const space: Space = {
        id,
        name: input.name,
        createdAt: input.createdAt.toISOString(),
        visibility: 'private',
        kind: 'dm',
      };
      spaces.set(id, { space, entries: [], agentStreak: 0 });
      dmSpaces.set(key, id);
      const joined = membersOf(id);
      for (const timiteId of participants)
        joined.set(timiteId, { role: 'member', joinedAt: new Date(input.createdAt) });
      return { outcome: 'created', space: { ...space } };
    },

    async listSpacesFor({ readerId, scope, q, after, limit }) {
      assertOpen();
      // Map iteration follows insertion order, which is creation order.
      const states = [...spaces.values()];
      const start = after === undefined ? 0 : states.findIndex((state) => state.space.id === after) + 1;
      if (after !== undefined && start === 0) return [];
      const listed: SpaceAccess[] = [];
      for (const state of states.slice(start)) {
        if (listed.length >= limit) break;
        const access = accessOf(state, readerId);
        const isPublic = state.space.visibility !== 'private';
        const shown =
          scope === 'mine'
            ? access.role !== undefined
            : scope === 'public'
              ? isPublic && (q === undefined || spaceMatches(state.space, q))
              : isPublic || access.role !== undefined;
        if (shown) listed.push(access);
      }
      return listed;
    },

    async createInviteCode(input) {
      assertOpen();
      if (invites.has(input.codeHash)) throw new Error('createInviteCode: the code hash exists already');
      invites.set(input.codeHash, {
        usesLeft: input.uses,
        expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt),
        createdBy: input.createdBy ?? null,
        createdAt: new Date(input.createdAt),
      });
    },

    async listInviteCodes() {
      assertOpen();
      return [...invites.entries()]
        .map(([codeHash, invite]) => ({
          codeHash,
          usesLeft: invite.usesLeft,
          expiresAt: invite.expiresAt === null ? null : new Date(invite.expiresAt),
          createdBy: invite.createdBy,
          createdAt: new Date(invite.createdAt),
        }))
        .reverse()
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },

    async revokeInviteCode(codeHashPrefix) {
      assertOpen();
      if (codeHashPrefix === '') return { outcome: 'not_found' };
      const matching = [...invites.keys()].filter((codeHash) => codeHash.startsWith(codeHashPrefix));
      const [codeHash] = matching;
      if (codeHash === undefined) return { outcome: 'not_found' };
      if (matching.length > 1) return { outcome: 'ambiguous' };
      invites.delete(codeHash);
      return { outcome: 'revoked', codeHash };
    },
  };
}
