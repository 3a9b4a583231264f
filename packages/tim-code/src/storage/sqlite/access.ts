import type Database from 'better-sqlite3';
import type { Timite } from '@tim/protocol';
import { TimiteKind } from '@tim/protocol';
import {
  changedSpace,
  judgeRemoval,
  judgeRoleChange,
  mayAddMember,
  mayChangeSpace,
  parseKind,
  parseRole,
  parseVisibility,
  spaceOfColumns,
  type ActorRole,
  type SpaceColumns,
  type SpaceFacts,
} from '../access-rules';
import { dmKeyOf, dmParticipants, dmSpaceIdOf } from '../dm-keys';
import type {
  AccessActor,
  AccessStorage,
  AddMemberResult,
  ChangeRoleResult,
  CreateSpaceResult,
  DmOpening,
  MemberRemoval,
  NewMember,
  NewSpace,
  OpenDmResult,
  RemoveMemberResult,
  RoleChange,
  SpaceAccess,
  SpaceChange,
  SpaceMember,
  UpdateSpaceResult,
} from '../storage';
import { prepareAccessStatements, type MemberRow, type SpaceAccessRow } from './access-statements';

function toMember(row: MemberRow): SpaceMember {
  const timite: Timite = { id: row.id, nick: row.nick, kind: TimiteKind.parse(row.kind) };
  return { timite, role: parseRole(row.role), joinedAt: new Date(row.joined_at).toISOString() };
}

function toAccess(row: SpaceAccessRow): SpaceAccess {
  const space = spaceOfColumns(row);
  return row.role === null ? { space } : { space, role: parseRole(row.role) };
}

function factsOf(row: SpaceColumns): SpaceFacts {
  return { kind: parseKind(row.kind), visibility: parseVisibility(row.visibility) };
}

/** What sqlite-storage.ts asks of access control beyond AccessStorage. */
export interface SqliteAccess extends AccessStorage {
  /** Creates the space and its owner's membership in one transaction. */
  createSpace(input: NewSpace): CreateSpaceResult;
  /** Takes one use of the code inside the caller's transaction; false when it cannot be used. */
  takeInvite(codeHash: string, now: Date): boolean;
}

/**
 * Access control in SQLite. Every change runs in an IMMEDIATE transaction: the write lock is
 * taken before the owner rules read the roles, so another connection's change is either
 * wholly before or wholly after (two owners demoting each other leave one owner).
 */
export function createSqliteAccess(db: Database.Database): SqliteAccess {
  const sql = prepareAccessStatements(db);

  function actorRoleOf(spaceId: string, actor: AccessActor): ActorRole {
    if (actor === 'operator') return undefined;
    const row = sql.member.get(spaceId, actor.timiteId);
    return row === undefined ? undefined : parseRole(row.role);
  }

  function spaceRow(spaceId: string): SpaceAccessRow | undefined {
    return sql.spaceAccess.get({ spaceId, timiteId: 0 });
  }

  const createSpace = db.transaction((input: NewSpace): CreateSpaceResult => {
    const visibility = input.visibility ?? 'public';
    const { changes } = sql.insertSpace.run({
      id: input.id,
      name: input.name,
      createdAt: input.createdAt.getTime(),
      createdBy: input.createdBy,
      visibility,
      kind: 'space',
      dmKey: null,
    });
    if (changes === 0) return { created: false, reason: 'id_taken' };
    sql.insertOwner.run({ spaceId: input.id, timiteId: input.createdBy, joinedAt: input.createdAt.getTime() });
    return {
      created: true,
      space: { id: input.id, name: input.name, createdAt: input.createdAt.toISOString(), visibility, kind: 'space' },
    };
  });

  const addMember = db.transaction((input: NewMember): AddMemberResult => {
    const space = spaceRow(input.spaceId);
    if (space === undefined) return { outcome: 'space_not_found' };
    const allowed = mayAddMember({
      actor: input.actor,
      actorRole: actorRoleOf(input.spaceId, input.actor),
      space: factsOf(space),
      timiteId: input.timiteId,
      role: input.role,
    });
    if (!allowed) return { outcome: 'forbidden' };
    if (sql.countTimites.get(JSON.stringify([input.timiteId]))?.count !== 1) return { outcome: 'unknown_timite' };
    const existing = sql.member.get(input.spaceId, input.timiteId);
    if (existing !== undefined) return { outcome: 'already_member', member: toMember(existing) };
    sql.insertMember.run({
      spaceId: input.spaceId,
      timiteId: input.timiteId,
      role: input.role,
      joinedAt: input.joinedAt.getTime(),
    });
    return { outcome: 'created', member: memberOf(input.spaceId, input.timiteId) };
  });

  function memberOf(spaceId: string, timiteId: number): SpaceMember {
    const row = sql.member.get(spaceId, timiteId);
    if (row === undefined) throw new Error('The member just written is not there.');
    return toMember(row);
  }

  function ownerCount(spaceId: string): number {
    return sql.ownerCount.get(spaceId)?.count ?? 0;
  }

  const changeRole = db.transaction((input: RoleChange): ChangeRoleResult => {
    const space = spaceRow(input.spaceId);
    if (space === undefined) return { outcome: 'space_not_found' };
    const target = sql.member.get(input.spaceId, input.timiteId);
    if (target === undefined) return { outcome: 'not_member' };
    const targetRole = parseRole(target.role);
    const verdict = judgeRoleChange({
      actor: input.actor,
      actorRole: actorRoleOf(input.spaceId, input.actor),
      space: factsOf(space),
      targetRole,
      role: input.role,
      owners: ownerCount(input.spaceId),
    });
    if (verdict !== 'allowed') return { outcome: verdict };
    if (targetRole === input.role) return { outcome: 'unchanged', member: toMember(target) };
    sql.setRole.run({ spaceId: input.spaceId, timiteId: input.timiteId, role: input.role });
    return { outcome: 'changed', member: memberOf(input.spaceId, input.timiteId), previousRole: targetRole };
  });

  const removeMember = db.transaction((input: MemberRemoval): RemoveMemberResult => {
    const space = spaceRow(input.spaceId);
    if (space === undefined) return { outcome: 'space_not_found' };
    const target = sql.member.get(input.spaceId, input.timiteId);
    if (target === undefined) return { outcome: 'not_member' };
    const targetRole = parseRole(target.role);
    const verdict = judgeRemoval({
      actor: input.actor,
      actorRole: actorRoleOf(input.spaceId, input.actor),
      space: factsOf(space),
      timiteId: input.timiteId,
      targetRole,
      owners: ownerCount(input.spaceId),
    });
    if (verdict !== 'allowed') return { outcome: verdict };
    sql.deleteMember.run(input.spaceId, input.timiteId);
    return { outcome: 'removed', role: targetRole };
  });

  const updateSpace = db.transaction((input: SpaceChange): UpdateSpaceResult => {
    const row = spaceRow(input.spaceId);
    if (row === undefined) return { outcome: 'space_not_found' };
    const allowed = mayChangeSpace({
      actor: input.actor,
      actorRole: actorRoleOf(input.spaceId, input.actor),
      space: factsOf(row),
      visibility: input.visibility,
    });
    if (!allowed) return { outcome: 'forbidden' };
    const before = spaceOfColumns(row);
    const space = changedSpace(before, input);
    sql.updateSpace.run({
      id: space.id,
      name: space.name,
      visibility: space.visibility ?? 'public',
      archivedAt: space.archivedAt === undefined ? null : Date.parse(space.archivedAt),
    });
    return { outcome: 'updated', space, before };
  });

  const openDm = db.transaction((input: DmOpening): OpenDmResult => {
    const participants = dmParticipants(input.timiteIds);
    const dmKey = dmKeyOf(participants);
    const existing = sql.spaceByDmKey.get(dmKey);
    if (existing !== undefined) return { outcome: 'opened', space: spaceOfColumns(existing) };
    if (sql.countTimites.get(JSON.stringify(participants))?.count !== participants.length) {
      return { outcome: 'unknown_timite' };
    }
    const id = dmSpaceIdOf(participants);
    const createdAt = input.createdAt.getTime();
    const { changes } = sql.insertSpace.run({
      id,
      name: input.name,
      createdAt,
      createdBy: null,
      visibility: 'private',
      kind: 'dm',
      dmKey,
    });
    if (changes === 0) return { outcome: 'id_taken' };
    for (const timiteId of participants) {
      sql.insertMember.run({ spaceId: id, timiteId, role: 'member', joinedAt: createdAt });
    }
    return {
      outcome: 'created',
      space: { id, name: input.name, createdAt: input.createdAt.toISOString(), visibility: 'private', kind: 'dm' },
    };
  });

  const revokeInvite = db.transaction((prefix: string) => {
    const found = prefix === '' ? [] : sql.invitesByPrefix.all({ prefix });
    const [first] = found;
    if (first === undefined) return { outcome: 'not_found' } as const;
    if (found.length > 1) return { outcome: 'ambiguous' } as const;
    sql.deleteInvite.run(first.code_hash);
    return { outcome: 'revoked', codeHash: first.code_hash } as const;
  });

  return {
    createSpace: (input) => createSpace.immediate(input),
    takeInvite: (codeHash, now) => sql.takeInvite.run({ codeHash, now: now.getTime() }).changes === 1,

    async getSpaceAccess(spaceId, timiteId) {
      const row = sql.spaceAccess.get({ spaceId, timiteId });
      return row === undefined ? undefined : toAccess(row);
    },

    async listMembers(spaceId) {
      return sql.members.all(spaceId).map(toMember);
    },

    async addMember(input) {
      return addMember.immediate(input);
    },

    async changeRole(input) {
      return changeRole.immediate(input);
    },

    async removeMember(input) {
      return removeMember.immediate(input);
    },

    async updateSpace(input) {
      return updateSpace.immediate(input);
    },

    async openDm(input) {
      return openDm.immediate(input);
    },

    async listSpacesFor({ readerId, scope, q, after, limit }) {
      return sql.listFor.all({ readerId, scope, q: q ?? null, after: after ?? null, limit }).map(toAccess);
    },

    async createInviteCode(input) {
      sql.insertInvite.run({
        codeHash: input.codeHash,
        usesLeft: input.uses,
        expiresAt: input.expiresAt === null ? null : input.expiresAt.getTime(),
        createdBy: input.createdBy ?? null,
        createdAt: input.createdAt.getTime(),
      });
    },

    async listInviteCodes() {
      return sql.invites.all().map((row) => ({
        codeHash: row.code_hash,
        usesLeft: row.uses_left,
        expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
        createdBy: row.created_by,
        createdAt: new Date(row.created_at),
      }));
    },

    async revokeInviteCode(codeHashPrefix) {
      return revokeInvite.immediate(codeHashPrefix);
    },
  };
}
