import type Database from 'better-sqlite3';
import type { ChangeKind } from '../change-updates';
import type { SpaceColumns } from '../access-rules';
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

/** A space's columns (issue 19 added visibility, kind and archived_at). */
export type SpaceRow = SpaceColumns;

export interface SpaceCountersRow {
  head_id: number;
  agent_streak: number;
}

/** A message as it is now, joined with its sender: everything one Update needs. */
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
  reply_to: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  deleted_by: number | null;
  /** Reaction[] as JSON, NULL when there are none. */
  reactions: string | null;
}

/** What a message and a change to one have in common in the timeline: a change's actor is its sender. */
interface TimelineColumns {
  update_id: number;
  message_id: number;
  created_at: number;
  sender_id: number;
  sender_nick: string;
  sender_kind: string;
}

/**
 * A message in the timeline. The space is the one read, so it is not selected; what issue 17
 * added is packed into `data` (MESSAGE_CHANGES), which is NULL for a message nobody changed:
 * every column costs on each row of a page, and most messages never change.
 */
export interface TimelineMessageRow extends TimelineColumns {
  kind: 'message';
  content: string;
  mentions: string;
  client_msg_id: string | null;
  stream: string | null;
  data: string | null;
}

/** An edit, delete or reaction in the timeline; `data` as in the message_changes table. */
export interface TimelineChangeRow extends TimelineColumns {
  kind: ChangeKind;
  content: null;
  mentions: null;
  client_msg_id: null;
  stream: null;
  data: string | null;
}

/** A call or an outcome in the timeline (ability-columns.ts); its author in the sender columns. */
export interface TimelineAbilityRow extends Omit<TimelineColumns, 'message_id'> {
  kind: 'ability_call' | 'ability_outcome';
  message_id: null;
  content: null;
  mentions: null;
  client_msg_id: null;
  stream: null;
  data: string;
}

/** One row of a space's timeline: a message, a change to one, a call or an outcome, merged by update id. */
export type TimelineRow = TimelineMessageRow | TimelineChangeRow | TimelineAbilityRow;

export interface UnreadRow {
  space_id: string;
  read_up_to: number;
  messages: number;
  mentions: number;
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
  replyTo: number | null;
}

export interface ChangeParams {
  spaceId: string;
  updateId: number;
  kind: ChangeKind;
  messageId: number;
  actorId: number;
  createdAt: number;
  data: string | null;
}

export interface SearchParams {
  /** An FTS5 query: each term a quoted prefix, all of them required. */
  match: string;
  /** A JSON array of space ids; NULL for every space. */
  spaceIds: string | null;
  /** Only spaces this timite may read; NULL for every space. */
  readerId: number | null;
  limit: number;
}

/**
 * How a message row is selected, as it is now and with its sender. The names are those of
 * ../message-columns.ts, plus what issue 17 added.
 */
const MESSAGE_COLUMNS = `m.id AS message_id, m.space_id, m.update_id, m.content, m.mentions, m.client_msg_id,
  m.created_at, m.stream, t.id AS sender_id, t.nick AS sender_nick, t.kind AS sender_kind,
  m.reply_to, m.edited_at, m.deleted_at, m.deleted_by, m.reactions`;
const SELECT_MESSAGES = `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN timites t ON t.id = m.sender_id`;

/**
 * A message's reply_to, edited_at, deleted_at, deleted_by and reactions as one JSON array
 * (rows.ts: PackedMessageChanges), NULL when all are NULL (deleted_by goes with deleted_at).
 */
const MESSAGE_CHANGES = `CASE
  WHEN m.reply_to IS NULL AND m.edited_at IS NULL AND m.deleted_at IS NULL AND m.reactions IS NULL THEN NULL
  ELSE json_array(m.reply_to, m.edited_at, m.deleted_at, m.deleted_by, json(m.reactions)) END`;

/*
 * The timeline of a space is its messages and its changes, merged by update id (UNION ALL).
 * Both arms have the same columns: a change has no message columns, its actor sits in the
 * sender_* columns, and `data` is a change's data or a message's MESSAGE_CHANGES. The space
 * is the one read, so neither selects it. With the ORDER BY on the compound, SQLite
 * merges the two arms as co-routines, each walking its (space_id, update_id) key in order
 * (no sort), and stops both once `limit` rows are out.
 */
const TIMELINE_MESSAGES = `SELECT 'message' AS kind, m.update_id, m.id AS message_id, m.created_at,
  t.id AS sender_id, t.nick AS sender_nick, t.kind AS sender_kind, m.content, m.mentions, m.client_msg_id,
  m.stream, ${MESSAGE_CHANGES} AS data
  FROM messages m JOIN timites t ON t.id = m.sender_id`;
const TIMELINE_CHANGES = `SELECT c.kind, c.update_id, c.message_id, c.created_at,
  t.id, t.nick, t.kind, NULL, NULL, NULL, NULL, c.data
  FROM message_changes c JOIN timites t ON t.id = c.actor_id`;

/** Calls: the caller in the sender columns, the rest packed as ability-columns.ts PackedCall. */
const TIMELINE_CALLS = `SELECT 'ability_call', ac.update_id, NULL, ac.created_at,
  ca.id, ca.nick, ca.kind, NULL, NULL, NULL, NULL,
  json_object('target', json_array(ta.id, ta.nick, ta.kind), 'ability', ac.ability, 'arguments', ac.arguments,
    'deadline', ac.deadline)
  FROM ability_calls ac JOIN timites ca ON ca.id = ac.caller_id JOIN timites ta ON ta.id = ac.target_id`;
/** Outcomes: the target in the sender columns, the rest packed as ability-columns.ts PackedOutcome. */
const TIMELINE_OUTCOMES = `SELECT 'ability_outcome', ao.update_id, NULL, ao.created_at,
  t.id, t.nick, t.kind, NULL, NULL, NULL, NULL,
  json_object('callId', ao.call_id, 'status', ao.status, 'result', ao.result, 'error', ao.error)
  FROM ability_outcomes ao JOIN timites t ON t.id = ao.target_id`;

/** The timeline's arms, each `where` (on update_id, space as @spaceId) applied to its own key. */
function timelineArms(cond: '>' | '<', bound: '@after' | '@before'): string {
  return `${TIMELINE_MESSAGES} WHERE m.space_id = @spaceId AND m.update_id ${cond} ${bound}
    UNION ALL
    ${TIMELINE_CHANGES} WHERE c.space_id = @spaceId AND c.update_id ${cond} ${bound}
    UNION ALL
    ${TIMELINE_CALLS} WHERE ac.space_id = @spaceId AND ac.update_id ${cond} ${bound}
    UNION ALL
    ${TIMELINE_OUTCOMES} WHERE ao.space_id = @spaceId AND ao.update_id ${cond} ${bound}`;
}

const SEARCH_MESSAGES = `SELECT ${MESSAGE_COLUMNS}
  FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid JOIN timites t ON t.id = m.sender_id
  WHERE messages_fts MATCH @match AND m.deleted_at IS NULL
    AND (@spaceIds IS NULL OR m.space_id IN (SELECT value FROM json_each(@spaceIds)))
    AND (@readerId IS NULL OR EXISTS (
      SELECT 1 FROM spaces s WHERE s.id = m.space_id AND (s.visibility = 'public'
        OR EXISTS (SELECT 1 FROM space_members sm WHERE sm.space_id = s.id AND sm.timite_id = @readerId))))`;

/** Counts at most @cap rows of a correlated selection of messages (the subquery stops there). */
function cappedCount(where: string): string {
  return `(SELECT count(*) FROM (
    SELECT 1 FROM messages m
    WHERE m.space_id = s.id AND m.update_id > coalesce(r.update_id, 0) AND m.sender_id <> @timiteId
      AND m.deleted_at IS NULL ${where}
    LIMIT @cap))`;
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
  messageInSpace: Database.Statement<[number, string], MessageRow>;
  advanceHead: Database.Statement<{ id: string; headId: number }>;
  editMessage: Database.Statement<{ id: number; content: string; mentions: string; editedAt: number }>;
  eraseMessage: Database.Statement<{ id: number; deletedAt: number; deletedBy: number }>;
  eraseEdits: Database.Statement<[number]>;
  setReactions: Database.Statement<{ id: number; reactions: string | null }>;
  insertChange: Database.Statement<ChangeParams>;
  timelineAfter: Database.Statement<{ spaceId: string; after: number; limit: number }, TimelineRow>;
  timelineBefore: Database.Statement<{ spaceId: string; before: number; limit: number }, TimelineRow>;
  markRead: Database.Statement<{ timiteId: number; spaceId: string; updateId: number }, { update_id: number }>;
  unreadCounts: Database.Statement<{ timiteId: number; spaceIds: string; cap: number }, UnreadRow>;
  searchNewest: Database.Statement<SearchParams & { before: number }, MessageRow>;
  searchRelevance: Database.Statement<SearchParams & { offset: number }, MessageRow>;
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
    spaceById: prepare('SELECT id, name, created_at, visibility, kind, archived_at FROM spaces WHERE id = ?'),
    // rowid follows insertion, so this is creation order whatever createdAt says.
    // An unknown `after` makes the comparison NULL, so it lists nothing.
    listSpaces: prepare(
      `SELECT id, name, created_at, visibility, kind, archived_at FROM spaces
       WHERE @after IS NULL OR rowid > (SELECT rowid FROM spaces WHERE id = @after)
       ORDER BY rowid LIMIT @limit`,
    ),
    spaceCounters: prepare('SELECT head_id, agent_streak FROM spaces WHERE id = ?'),
    advanceSpace: prepare('UPDATE spaces SET head_id = @headId, agent_streak = @agentStreak WHERE id = @id'),

    insertMessage: prepare(
      `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream, reply_to)
       VALUES (@spaceId, @updateId, @senderId, @content, @mentions, @clientMsgId, @createdAt, @stream, @replyTo)
       RETURNING id`,
    ),
    messageByClientMsgId: prepare(`${SELECT_MESSAGES} WHERE m.sender_id = ? AND m.client_msg_id = ?`),
    messageInSpace: prepare(`${SELECT_MESSAGES} WHERE m.id = ? AND m.space_id = ?`),
    advanceHead: prepare('UPDATE spaces SET head_id = @headId WHERE id = @id'),
    editMessage: prepare(
      'UPDATE messages SET content = @content, mentions = @mentions, edited_at = @editedAt WHERE id = @id',
    ),
    // The content update fires messages_fts_update, which takes the old text out of the index.
    eraseMessage: prepare(
      `UPDATE messages SET content = '', mentions = '[]', reactions = NULL, deleted_at = @deletedAt,
         deleted_by = @deletedBy
       WHERE id = @id`,
    ),
    eraseEdits: prepare("UPDATE message_changes SET data = NULL WHERE message_id = ? AND kind = 'edited'"),
    setReactions: prepare('UPDATE messages SET reactions = @reactions WHERE id = @id'),
    insertChange: prepare(
      `INSERT INTO message_changes (space_id, update_id, kind, message_id, actor_id, created_at, data)
       VALUES (@spaceId, @updateId, @kind, @messageId, @actorId, @createdAt, @data)`,
    ),
    timelineAfter: prepare(`${timelineArms('>', '@after')} ORDER BY update_id LIMIT @limit`),
    timelineBefore: prepare(
      `SELECT * FROM (${timelineArms('<', '@before')} ORDER BY update_id DESC LIMIT @limit) ORDER BY update_id`,
    ),

    // Forward only, and never past the head; no row for an unknown space. (An upsert from a
    // SELECT needs the WHERE to parse unambiguously.)
    markRead: prepare(
      `INSERT INTO read_markers (timite_id, space_id, update_id)
       SELECT @timiteId, id, max(0, min(@updateId, head_id)) FROM spaces WHERE id = @spaceId
       ON CONFLICT (timite_id, space_id) DO UPDATE SET update_id = max(update_id, excluded.update_id)
       RETURNING update_id`,
    ),
    // Mentions: most messages mention nobody, so the JSON is opened only for those that do.
    unreadCounts: prepare(
      `SELECT s.id AS space_id, coalesce(r.update_id, 0) AS read_up_to,
         ${cappedCount('')} AS messages,
         ${cappedCount(
           "AND m.mentions <> '[]' AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = @timiteId)",
         )} AS mentions
       FROM spaces s LEFT JOIN read_markers r ON r.timite_id = @timiteId AND r.space_id = s.id
       WHERE s.id IN (SELECT value FROM json_each(@spaceIds))`,
    ),

    // The FTS table drives both searches (CROSS JOIN keeps it the outer loop): its rowid is
    // the message id, so 'newest' walks the matches in rowid order and stops at the limit.
    searchNewest: prepare(
      `${SEARCH_MESSAGES} AND messages_fts.rowid < @before ORDER BY messages_fts.rowid DESC LIMIT @limit`,
    ),
    searchRelevance: prepare(
      `${SEARCH_MESSAGES} ORDER BY bm25(messages_fts), messages_fts.rowid DESC LIMIT @limit OFFSET @offset`,
    ),

    ping: prepare('SELECT 1 AS ok'),
  };
}
