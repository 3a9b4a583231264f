import type Database from 'better-sqlite3';
import type { SpaceColumns } from '../access-rules';

/** A space and the reader's role there (NULL when it is not a member). */
export interface SpaceAccessRow extends SpaceColumns {
  role: string | null;
}

export interface MemberRow {
  id: number;
  nick: string;
  kind: string;
  role: string;
  joined_at: number;
}

export interface InviteRow {
  code_hash: string;
  uses_left: number;
  expires_at: number | null;
  created_by: number | null;
  created_at: number;
}

/** How a space is selected everywhere (access-rules.ts SpaceColumns). */
export const SPACE_COLUMNS = 's.id, s.name, s.created_at, s.visibility, s.kind, s.archived_at';

const MEMBER_COLUMNS = 't.id, t.nick, t.kind, sm.role, sm.joined_at';

/** The statements of access control (issue 19). */
export interface AccessStatements {
  insertSpace: Database.Statement<{
    id: string;
    name: string;
    createdAt: number;
    createdBy: number | null;
    visibility: string;
    kind: string;
    dmKey: string | null;
  }>;
  insertOwner: Database.Statement<{ spaceId: string; timiteId: number; joinedAt: number }>;
  spaceAccess: Database.Statement<{ spaceId: string; timiteId: number }, SpaceAccessRow>;
  spaceByDmKey: Database.Statement<[string], SpaceColumns>;
  updateSpace: Database.Statement<{ id: string; name: string; visibility: string; archivedAt: number | null }>;
  listFor: Database.Statement<
    { readerId: number; scope: string; q: string | null; after: string | null; limit: number },
    SpaceAccessRow
  >;
  members: Database.Statement<[string], MemberRow>;
  member: Database.Statement<[string, number], MemberRow>;
  ownerCount: Database.Statement<[string], { count: number }>;
  insertMember: Database.Statement<{ spaceId: string; timiteId: number; role: string; joinedAt: number }>;
  setRole: Database.Statement<{ spaceId: string; timiteId: number; role: string }>;
  deleteMember: Database.Statement<[string, number]>;
  countTimites: Database.Statement<[string], { count: number }>;
  insertInvite: Database.Statement<{
    codeHash: string;
    usesLeft: number;
    expiresAt: number | null;
    createdBy: number | null;
    createdAt: number;
  }>;
  invites: Database.Statement<[], InviteRow>;
  invitesByPrefix: Database.Statement<{ prefix: string }, { code_hash: string }>;
  deleteInvite: Database.Statement<[string]>;
  takeInvite: Database.Statement<{ codeHash: string; now: number }>;
}

export function prepareAccessStatements(db: Database.Database): AccessStatements {
  const prepare = <S>(source: string): S => db.prepare(source) as S;
  return {
    // A taken id or dm_key inserts nothing.
    insertSpace: prepare(
      `INSERT INTO spaces (id, name, created_at, created_by, visibility, kind, dm_key)
       VALUES (@id, @name, @createdAt, @createdBy, @visibility, @kind, @dmKey) ON CONFLICT DO NOTHING`,
    ),
    // Nothing when the creator names no timite (the spaces of older callers and tests).
    insertOwner: prepare(
      `INSERT INTO space_members (space_id, timite_id, role, joined_at)
       SELECT @spaceId, id, 'owner', @joinedAt FROM timites WHERE id = @timiteId`,
    ),
    spaceAccess: prepare(
      `SELECT ${SPACE_COLUMNS}, sm.role FROM spaces s
       LEFT JOIN space_members sm ON sm.space_id = s.id AND sm.timite_id = @timiteId
       WHERE s.id = @spaceId`,
    ),
    spaceByDmKey: prepare(`SELECT ${SPACE_COLUMNS} FROM spaces s WHERE s.dm_key = ?`),
    updateSpace: prepare(
      'UPDATE spaces SET name = @name, visibility = @visibility, archived_at = @archivedAt WHERE id = @id',
    ),
    // Creation order is the rowid's; an unknown `after` makes the comparison NULL, so it lists
    // nothing. lower() folds ASCII only, like the nicks.
    listFor: prepare(
      `SELECT ${SPACE_COLUMNS}, sm.role FROM spaces s
       LEFT JOIN space_members sm ON sm.space_id = s.id AND sm.timite_id = @readerId
       WHERE (@after IS NULL OR s.rowid > (SELECT rowid FROM spaces WHERE id = @after))
         AND CASE @scope
           WHEN 'mine' THEN sm.role IS NOT NULL
           WHEN 'public' THEN s.visibility = 'public'
             AND (@q IS NULL OR instr(lower(s.id), lower(@q)) > 0 OR instr(lower(s.name), lower(@q)) > 0)
           ELSE s.visibility = 'public' OR sm.role IS NOT NULL
         END
       ORDER BY s.rowid LIMIT @limit`,
    ),
    members: prepare(
      `SELECT ${MEMBER_COLUMNS} FROM space_members sm JOIN timites t ON t.id = sm.timite_id
       WHERE sm.space_id = ? ORDER BY sm.joined_at, sm.timite_id`,
    ),
    member: prepare(
      `SELECT ${MEMBER_COLUMNS} FROM space_members sm JOIN timites t ON t.id = sm.timite_id
       WHERE sm.space_id = ? AND sm.timite_id = ?`,
    ),
    ownerCount: prepare("SELECT count(*) AS count FROM space_members WHERE space_id = ? AND role = 'owner'"),
    insertMember: prepare(
      `INSERT INTO space_members (space_id, timite_id, role, joined_at)
       VALUES (@spaceId, @timiteId, @role, @joinedAt)`,
    ),
    setRole: prepare('UPDATE space_members SET role = @role WHERE space_id = @spaceId AND timite_id = @timiteId'),
    deleteMember: prepare('DELETE FROM space_members WHERE space_id = ? AND timite_id = ?'),
    countTimites: prepare('SELECT count(*) AS count FROM timites WHERE id IN (SELECT value FROM json_each(?))'),
    insertInvite: prepare(
      `INSERT INTO invite_codes (code_hash, uses_left, expires_at, created_by, created_at)
       VALUES (@codeHash, @usesLeft, @expiresAt, @createdBy, @createdAt)`,
    ),
    invites: prepare(
      `SELECT code_hash, uses_left, expires_at, created_by, created_at FROM invite_codes
       ORDER BY created_at DESC, rowid DESC`,
    ),
    // A prefix compared as text, so no character of it is a pattern.
    invitesByPrefix: prepare(
      'SELECT code_hash FROM invite_codes WHERE substr(code_hash, 1, length(@prefix)) = @prefix ORDER BY code_hash LIMIT 2',
    ),
    deleteInvite: prepare('DELETE FROM invite_codes WHERE code_hash = ?'),
    takeInvite: prepare(
      `UPDATE invite_codes SET uses_left = uses_left - 1
       WHERE code_hash = @codeHash AND uses_left > 0 AND (expires_at IS NULL OR expires_at > @now)`,
    ),
  };
}
