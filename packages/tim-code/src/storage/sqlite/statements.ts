import type Database from 'better-sqlite3';
import { SELECT_MESSAGES } from '../message-columns';
import type { RevocationColumns } from '../revocation-columns';

export interface TimiteRow {
  id: number;
  nick: string;
  kind: string;
  password_hash: string | null;
  revoked: number;
}

export interface SessionRow {
  created_at: number;
  expires_at: number | null;
  timite_id: number;
  nick: string;
  kind: string;
}

export interface SpaceRow {
  id: string;
  name: string;
  created_at: number;
}

export interface SpaceCountersRow {
  head_id: number;
  agent_streak: number;
}

/** A message joined with its sender: everything one Update needs. */
export interface MessageRow {
  message_id: number;
  space_id: string;
  update_id: number;
  content: string;
  mentions: string;
  client_msg_id: string | null;
  created_at: number;
  stream: string | null;
  sender_id: number;
  sender_nick: string;
  sender_kind: string;
}

const TIMITE_COLUMNS = 'id, nick, kind, password_hash, revoked';

export interface MessageParams {
  spaceId: string;
  updateId: number;
  senderId: number;
  content: string;
  /** A JSON array of timite ids. */
  mentions: string;
  clientMsgId: string | null;
  createdAt: number;
  /** MessageStreamMark as JSON. */
  stream: string | null;
}

/** Every statement the store runs. */
export interface Statements {
  insertTimite: Database.Statement<{ nick: string; kind: string; passwordHash: string | null }, TimiteRow>;
  timiteByNick: Database.Statement<[string], TimiteRow>;
  timiteById: Database.Statement<[number], TimiteRow>;
  listTimites: Database.Statement<[], TimiteRow>;
  listTimitesOfKind: Database.Statement<[string], TimiteRow>;
  revokeTimite: Database.Statement<[number]>;
  reinstateTimite: Database.Statement<[string], TimiteRow>;
  insertSession: Database.Statement<{ keyHash: string; timiteId: number; createdAt: number; expiresAt: number | null }>;
  liveSession: Database.Statement<{ keyHash: string; nowMs: number }, SessionRow>;
  deleteSession: Database.Statement<[string]>;
  deleteSessionsOfTimite: Database.Statement<[number]>;
  deleteExpiredSessions: Database.Statement<[number]>;
  insertRevocation: Database.Statement<{ keyHash: string | null; timiteId: number | null; createdAt: number }>;
  revocationsAfter: Database.Statement<{ after: number; limit: number }, RevocationColumns>;
  revocationHead: Database.Statement<[], { head: number | null }>;
  pruneRevocations: Database.Statement<[number]>;
  insertSpace: Database.Statement<{ id: string; name: string; createdAt: number; createdBy: number | null }>;
  countSpacesCreatedBy: Database.Statement<[number], { count: number }>;
  spaceById: Database.Statement<[string], SpaceRow>;
  listSpaces: Database.Statement<{ after: string | null; limit: number }, SpaceRow>;
  spaceCounters: Database.Statement<[string], SpaceCountersRow>;
  advanceSpace: Database.Statement<{ id: string; headId: number; agentStreak: number }>;
  insertMessage: Database.Statement<MessageParams, { id: number }>;
  messageByClientMsgId: Database.Statement<[number, string], MessageRow>;
  messagesAfter: Database.Statement<{ spaceId: string; after: number; limit: number }, MessageRow>;
  messagesBefore: Database.Statement<{ spaceId: string; before: number; limit: number }, MessageRow>;
  ping: Database.Statement<[], { ok: number }>;
}

/** Prepares every statement once, when the store opens. */
export function prepareStatements(db: Database.Database): Statements {
  // SQLite does not know TypeScript: the parameter and row types are declared once, in
  // Statements, and each statement takes its type from the property it fills.
  const prepare = <S>(source: string): S => db.prepare(source) as S;
  return {
    // ON CONFLICT (nick) DO NOTHING: a taken nick returns no row instead of throwing,
    // while any other constraint (kind, NOT NULL) still fails loudly.
    insertTimite: prepare(
      `INSERT INTO timites (nick, kind, password_hash) VALUES (@nick, @kind, @passwordHash)
       ON CONFLICT (nick) DO NOTHING RETURNING ${TIMITE_COLUMNS}`,
    ),
    // The nick column's NOCASE collation makes this comparison case-insensitive.
    timiteByNick: prepare(`SELECT ${TIMITE_COLUMNS} FROM timites WHERE nick = ?`),
    timiteById: prepare(`SELECT ${TIMITE_COLUMNS} FROM timites WHERE id = ?`),
    listTimites: prepare(`SELECT ${TIMITE_COLUMNS} FROM timites ORDER BY id`),
    listTimitesOfKind: prepare(`SELECT ${TIMITE_COLUMNS} FROM timites WHERE kind = ? ORDER BY id`),
    revokeTimite: prepare('UPDATE timites SET revoked = 1 WHERE id = ?'),
    reinstateTimite: prepare(
      `UPDATE timites SET revoked = 0 WHERE nick = ? AND kind = 'agent' AND revoked = 1 RETURNING ${TIMITE_COLUMNS}`,
    ),

    insertSession: prepare(
      `INSERT INTO sessions (key_hash, timite_id, created_at, expires_at)
       VALUES (@keyHash, @timiteId, @createdAt, @expiresAt)`,
    ),
    liveSession: prepare(
      `SELECT s.created_at, s.expires_at, t.id AS timite_id, t.nick, t.kind
       FROM sessions s JOIN timites t ON t.id = s.timite_id
       WHERE s.key_hash = @keyHash AND (s.expires_at IS NULL OR s.expires_at > @nowMs) AND t.revoked = 0`,
    ),
    deleteSession: prepare('DELETE FROM sessions WHERE key_hash = ?'),
    deleteSessionsOfTimite: prepare('DELETE FROM sessions WHERE timite_id = ?'),
    deleteExpiredSessions: prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    insertRevocation: prepare(
      'INSERT INTO revocations (key_hash, timite_id, created_at) VALUES (@keyHash, @timiteId, @createdAt)',
    ),
    revocationsAfter: prepare(
      'SELECT seq, key_hash, timite_id FROM revocations WHERE seq > @after ORDER BY seq LIMIT @limit',
    ),
    revocationHead: prepare('SELECT max(seq) AS head FROM revocations'),
    pruneRevocations: prepare('DELETE FROM revocations WHERE created_at < ?'),

    insertSpace: prepare(
      'INSERT INTO spaces (id, name, created_at, created_by) VALUES (@id, @name, @createdAt, @createdBy) ON CONFLICT (id) DO NOTHING',
    ),
    countSpacesCreatedBy: prepare('SELECT count(*) AS count FROM spaces WHERE created_by = ?'),
    spaceById: prepare('SELECT id, name, created_at FROM spaces WHERE id = ?'),
    // rowid follows insertion, so this is creation order whatever createdAt says.
    // An unknown `after` makes the comparison NULL, so it lists nothing.
    listSpaces: prepare(
      `SELECT id, name, created_at FROM spaces
       WHERE @after IS NULL OR rowid > (SELECT rowid FROM spaces WHERE id = @after)
       ORDER BY rowid LIMIT @limit`,
    ),
    spaceCounters: prepare('SELECT head_id, agent_streak FROM spaces WHERE id = ?'),
    advanceSpace: prepare('UPDATE spaces SET head_id = @headId, agent_streak = @agentStreak WHERE id = @id'),

    insertMessage: prepare(
      `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream)
       VALUES (@spaceId, @updateId, @senderId, @content, @mentions, @clientMsgId, @createdAt, @stream) RETURNING id`,
    ),
    messageByClientMsgId: prepare(`${SELECT_MESSAGES} WHERE m.sender_id = ? AND m.client_msg_id = ?`),
    messagesAfter: prepare(
      `${SELECT_MESSAGES} WHERE m.space_id = @spaceId AND m.update_id > @after ORDER BY m.update_id LIMIT @limit`,
    ),
    messagesBefore: prepare(
      `SELECT * FROM (
         ${SELECT_MESSAGES} WHERE m.space_id = @spaceId AND m.update_id < @before ORDER BY m.update_id DESC LIMIT @limit
       ) ORDER BY update_id`,
    ),

    ping: prepare('SELECT 1 AS ok'),
  };
}
