import { Timite } from '@tim/protocol';
import type { PoolClient } from 'pg';
import { z } from 'zod';
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
import type { AccessActor, AccessStorage, CreateSpaceResult, NewSpace, SpaceAccess, SpaceMember } from '../storage';
import type { Queries } from './queries';
import { BigintNumber, CountRow, SpaceRow } from './rows';

/** How a space is selected everywhere (access-rules.ts SpaceColumns). */
export const SPACE_COLUMNS = 's.id, s.name, s.created_at, s.visibility, s.kind, s.archived_at';

const SpaceAccessRow = SpaceRow.extend({ role: z.string().nullable() });

const MemberRow = z.object({
  id: z.number().int(),
  nick: z.string(),
  kind: z.string(),
  role: z.string(),
  joined_at: BigintNumber,
});

const InviteRow = z.object({
  code_hash: z.string(),
  uses_left: z.number().int(),
  expires_at: BigintNumber.nullable(),
  created_by: z.number().int().nullable(),
  created_at: BigintNumber,
});

const MEMBER_SELECT = `SELECT t.id, t.nick, t.kind, sm.role, sm.joined_at
  FROM space_members sm JOIN timites t ON t.id = sm.timite_id`;

function toMember(row: z.infer<typeof MemberRow>): SpaceMember {
  const timite = Timite.parse({ id: row.id, nick: row.nick, kind: row.kind });
  return { timite, role: parseRole(row.role), joinedAt: new Date(row.joined_at).toISOString() };
}

function toAccess(row: z.infer<typeof SpaceAccessRow>): SpaceAccess {
  const space = spaceOfColumns(row);
  return row.role === null ? { space } : { space, role: parseRole(row.role) };
}

function factsOf(row: SpaceColumns): SpaceFacts {
  return { kind: parseKind(row.kind), visibility: parseVisibility(row.visibility) };
}

/** What postgres-storage.ts asks of access control beyond AccessStorage. */
export interface PostgresAccess extends AccessStorage {
  /** Creates the space and its owner's membership in one transaction. */
  createSpace(input: NewSpace): Promise<CreateSpaceResult>;
  /** Takes one use of the code inside the caller's transaction (locking its row); false when it cannot be used. */
  takeInvite(client: PoolClient, codeHash: string, now: Date): Promise<boolean>;
}

/**
 * Access control in PostgreSQL. A change of members or of a space locks the space's row first
 * (FOR UPDATE, as an append does), then reads the roles: changes of one space are ordered
 * whichever process makes them, so the owner rules always see the other changes committed.
 */
export function createPostgresAccess(db: Queries): PostgresAccess {
  const { rows, first, inTransaction } = db;

  async function lockSpace(client: PoolClient, spaceId: string): Promise<SpaceColumns | undefined> {
    return first(SpaceRow, `SELECT ${SPACE_COLUMNS} FROM spaces s WHERE s.id = $1 FOR UPDATE`, [spaceId], client);
  }

  async function memberOf(client: PoolClient, spaceId: string, timiteId: number) {
    return first(
      MemberRow,
      `${MEMBER_SELECT} WHERE sm.space_id = $1 AND sm.timite_id = $2`,
      [spaceId, timiteId],
      client,
    );
  }

  async function actorRoleOf(client: PoolClient, spaceId: string, actor: AccessActor): Promise<ActorRole> {
    if (actor === 'operator') return undefined;
    const row = await memberOf(client, spaceId, actor.timiteId);
    return row === undefined ? undefined : parseRole(row.role);
  }

  async function ownerCount(client: PoolClient, spaceId: string): Promise<number> {
    const row = await first(
      CountRow,
      "SELECT count(*)::integer AS count FROM space_members WHERE space_id = $1 AND role = 'owner'",
      [spaceId],
      client,
    );
    return row?.count ?? 0;
  }

  async function timitesExist(client: PoolClient, ids: number[]): Promise<boolean> {
    const row = await first(
      CountRow,
      'SELECT count(*)::integer AS count FROM timites WHERE id = ANY ($1)',
      [ids],
      client,
    );
    return row?.count === ids.length;
  }

  return {
    async createSpace(input) {
      const visibility = input.visibility ?? 'public';
      return inTransaction(async (client) => {
        const inserted = await client.query(
          `INSERT INTO spaces (id, name, created_at, created_by, visibility) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO NOTHING`,
          [input.id, input.name, input.createdAt.getTime(), input.createdBy, visibility],
        );
        if (inserted.rowCount === 0) return { created: false, reason: 'id_taken' };
        // Nothing when the creator names no timite (the spaces of older callers and tests).
        await client.query(
          `INSERT INTO space_members (space_id, timite_id, role, joined_at)
           SELECT $1, id, 'owner', $3 FROM timites WHERE id = $2`,
          [input.id, input.createdBy, input.createdAt.getTime()],
        );
        return {
          created: true,
          space: {
            id: input.id,
            name: input.name,
            createdAt: input.createdAt.toISOString(),
            visibility,
            kind: 'space',
          },
        };
      });
    },

    async takeInvite(client, codeHash, now) {
      // The row lock makes a concurrent use wait, then see the uses this one left.
      const taken = await client.query(
        `UPDATE invite_codes SET uses_left = uses_left - 1
         WHERE code_hash = $1 AND uses_left > 0 AND (expires_at IS NULL OR expires_at > $2)`,
        [codeHash, now.getTime()],
      );
      return taken.rowCount === 1;
    },

    async getSpaceAccess(spaceId, timiteId) {
      const row = await first(
        SpaceAccessRow,
        `SELECT ${SPACE_COLUMNS}, sm.role FROM spaces s
         LEFT JOIN space_members sm ON sm.space_id = s.id AND sm.timite_id = $2
         WHERE s.id = $1`,
        [spaceId, timiteId],
      );
      return row === undefined ? undefined : toAccess(row);
    },

    async listMembers(spaceId) {
      const found = await rows(
        MemberRow,
        `${MEMBER_SELECT} WHERE sm.space_id = $1 ORDER BY sm.joined_at, sm.timite_id`,
        [spaceId],
      );
      return found.map(toMember);
    },

    async addMember(input) {
      return inTransaction(async (client) => {
        const space = await lockSpace(client, input.spaceId);
        if (space === undefined) return { outcome: 'space_not_found' };
        const allowed = mayAddMember({
          actor: input.actor,
          actorRole: await actorRoleOf(client, input.spaceId, input.actor),
          space: factsOf(space),
          timiteId: input.timiteId,
          role: input.role,
        });
        if (!allowed) return { outcome: 'forbidden' };
        if (!(await timitesExist(client, [input.timiteId]))) return { outcome: 'unknown_timite' };
        const existing = await memberOf(client, input.spaceId, input.timiteId);
        if (existing !== undefined) return { outcome: 'already_member', member: toMember(existing) };
        await client.query('INSERT INTO space_members (space_id, timite_id, role, joined_at) VALUES ($1, $2, $3, $4)', [
          input.spaceId,
          input.timiteId,
          input.role,
          input.joinedAt.getTime(),
        ]);
        const created = await memberOf(client, input.spaceId, input.timiteId);
        if (created === undefined) throw new Error('The member just written is not there.');
        return { outcome: 'created', member: toMember(created) };
      });
    },

    async changeRole(input) {
      return inTransaction(async (client) => {
        const space = await lockSpace(client, input.spaceId);
        if (space === undefined) return { outcome: 'space_not_found' };
        const target = await memberOf(client, input.spaceId, input.timiteId);
        if (target === undefined) return { outcome: 'not_member' };
        const targetRole = parseRole(target.role);
        const verdict = judgeRoleChange({
          actor: input.actor,
          actorRole: await actorRoleOf(client, input.spaceId, input.actor),
          space: factsOf(space),
          targetRole,
          role: input.role,
          owners: await ownerCount(client, input.spaceId),
        });
        if (verdict !== 'allowed') return { outcome: verdict };
        if (targetRole === input.role) return { outcome: 'unchanged', member: toMember(target) };
        await client.query('UPDATE space_members SET role = $3 WHERE space_id = $1 AND timite_id = $2', [
          input.spaceId,
          input.timiteId,
          input.role,
        ]);
        return { outcome: 'changed', member: toMember({ ...target, role: input.role }), previousRole: targetRole };
      });
    },

    async removeMember(input) {
      return inTransaction(async (client) => {
        const space = await lockSpace(client, input.spaceId);
        if (space === undefined) return { outcome: 'space_not_found' };
        const target = await memberOf(client, input.spaceId, input.timiteId);
        if (target === undefined) return { outcome: 'not_member' };
        const targetRole = parseRole(target.role);
        const verdict = judgeRemoval({
          actor: input.actor,
          actorRole: await actorRoleOf(client, input.spaceId, input.actor),
          space: factsOf(space),
          timiteId: input.timiteId,
          targetRole,
          owners: await ownerCount(client, input.spaceId),
        });
        if (verdict !== 'allowed') return { outcome: verdict };
        await client.query('DELETE FROM space_members WHERE space_id = $1 AND timite_id = $2', [
          input.spaceId,
          input.timiteId,
        ]);
        return { outcome: 'removed', role: targetRole };
      });
    },

    async updateSpace(input) {
      return inTransaction(async (client) => {
        const row = await lockSpace(client, input.spaceId);
        if (row === undefined) return { outcome: 'space_not_found' };
        const allowed = mayChangeSpace({
          actor: input.actor,
          actorRole: await actorRoleOf(client, input.spaceId, input.actor),
          space: factsOf(row),
          visibility: input.visibility,
        });
        if (!allowed) return { outcome: 'forbidden' };
        const before = spaceOfColumns(row);
        const space = changedSpace(before, input);
        await client.query('UPDATE spaces SET name = $2, visibility = $3, archived_at = $4 WHERE id = $1', [
          space.id,
          space.name,
          space.visibility ?? 'public',
          space.archivedAt === undefined ? null : Date.parse(space.archivedAt),
        ]);
        return { outcome: 'updated', space, before };
      });
    },

    async openDm(input) {
      const participants = dmParticipants(input.timiteIds);
      const dmKey = dmKeyOf(participants);
      const byKey = (client: PoolClient) =>
        first(SpaceRow, `SELECT ${SPACE_COLUMNS} FROM spaces s WHERE s.dm_key = $1`, [dmKey], client);
      return inTransaction(async (client) => {
        const existing = await byKey(client);
        if (existing !== undefined) return { outcome: 'opened', space: spaceOfColumns(existing) };
        if (!(await timitesExist(client, participants))) return { outcome: 'unknown_timite' };
        const id = dmSpaceIdOf(participants);
        const createdAt = input.createdAt.getTime();
        // A concurrent opening of the same DM holds the id and dm_key: this insert waits for it
        // to commit, then inserts nothing, and the next statement sees the space it made.
        const inserted = await client.query(
          `INSERT INTO spaces (id, name, created_at, visibility, kind, dm_key)
           VALUES ($1, $2, $3, 'private', 'dm', $4) ON CONFLICT DO NOTHING`,
          [id, input.name, createdAt, dmKey],
        );
        if (inserted.rowCount === 0) {
          const made = await byKey(client);
          return made === undefined ? { outcome: 'id_taken' } : { outcome: 'opened', space: spaceOfColumns(made) };
        }
        await client.query(
          `INSERT INTO space_members (space_id, timite_id, role, joined_at)
           SELECT $1, unnest($2::integer[]), 'member', $3`,
          [id, participants, createdAt],
        );
        return {
          outcome: 'created',
          space: { id, name: input.name, createdAt: input.createdAt.toISOString(), visibility: 'private', kind: 'dm' },
        };
      });
    },

    async listSpacesFor({ readerId, scope, q, after, limit }) {
      // Creation order is seq's; an unknown `after` makes the comparison NULL, so it lists nothing.
      const found = await rows(
        SpaceAccessRow,
        `SELECT ${SPACE_COLUMNS}, sm.role FROM spaces s
         LEFT JOIN space_members sm ON sm.space_id = s.id AND sm.timite_id = $1
         WHERE ($4::text IS NULL OR s.seq > (SELECT seq FROM spaces WHERE id = $4))
           AND CASE $2::text
             WHEN 'mine' THEN sm.role IS NOT NULL
             WHEN 'public' THEN s.visibility = 'public'
               AND ($3::text IS NULL OR strpos(lower(s.id), lower($3)) > 0 OR strpos(lower(s.name), lower($3)) > 0)
             ELSE s.visibility = 'public' OR sm.role IS NOT NULL
           END
         ORDER BY s.seq LIMIT $5`,
        [readerId, scope, q ?? null, after ?? null, limit],
      );
      return found.map(toAccess);
    },

    async createInviteCode(input) {
      await db.pool.query(
        `INSERT INTO invite_codes (code_hash, uses_left, expires_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          input.codeHash,
          input.uses,
          input.expiresAt === null ? null : input.expiresAt.getTime(),
          input.createdBy ?? null,
          input.createdAt.getTime(),
        ],
      );
    },

    async listInviteCodes() {
      const found = await rows(
        InviteRow,
        `SELECT code_hash, uses_left, expires_at, created_by, created_at FROM invite_codes
         ORDER BY created_at DESC, code_hash`,
        [],
      );
      return found.map((row) => ({
        codeHash: row.code_hash,
        usesLeft: row.uses_left,
        expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
        createdBy: row.created_by,
        createdAt: new Date(row.created_at),
      }));
    },

    async revokeInviteCode(codeHashPrefix) {
      if (codeHashPrefix === '') return { outcome: 'not_found' };
      return inTransaction(async (client) => {
        // A prefix compared as text, so no character of it is a pattern.
        const found = await rows(
          z.object({ code_hash: z.string() }),
          `SELECT code_hash FROM invite_codes WHERE left(code_hash, length($1)) = $1
           ORDER BY code_hash LIMIT 2 FOR UPDATE`,
          [codeHashPrefix],
          client,
        );
        const [only] = found;
        if (only === undefined) return { outcome: 'not_found' };
        if (found.length > 1) return { outcome: 'ambiguous' };
        await client.query('DELETE FROM invite_codes WHERE code_hash = $1', [only.code_hash]);
        return { outcome: 'revoked', codeHash: only.code_hash };
      });
    },
  };
}
