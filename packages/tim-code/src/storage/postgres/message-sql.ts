/*
 * How the PostgreSQL store selects messages (as they are now) and the timeline, which merges
 * the messages and the changes to them (edits, deletes, reactions) by update id. Rows parse
 * with MessageRow and TimelineRow of rows.ts.
 */

const MESSAGE_COLUMNS = `m.id AS message_id, m.space_id, m.update_id, m.content, m.mentions, m.client_msg_id,
  m.created_at, m.stream, t.id AS sender_id, t.nick AS sender_nick, t.kind AS sender_kind,
  m.reply_to, m.edited_at, m.deleted_at, m.deleted_by, m.reactions`;

/** A message joined with its sender; append a WHERE clause. */
export const SELECT_MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN timites t ON t.id = m.sender_id`;

/**
 * One branch of the timeline per table, each with the same columns: a change's actor fills the
 * sender columns, and the columns only a message has are NULL. `cond` compares update_id.
 */
function timelineBranches(cond: string, direction: 'ASC' | 'DESC'): string {
  return `
    (SELECT 'message' AS kind, ${MESSAGE_COLUMNS}, NULL AS data
     FROM messages m JOIN timites t ON t.id = m.sender_id
     WHERE m.space_id = $1 AND m.update_id ${cond} $2 ORDER BY m.update_id ${direction} LIMIT $3)
    UNION ALL
    (SELECT c.kind, c.message_id, c.space_id, c.update_id, NULL, NULL, NULL, c.created_at, NULL,
            t.id, t.nick, t.kind, NULL, NULL, NULL, NULL, NULL, c.data
     FROM message_changes c JOIN timites t ON t.id = c.actor_id
     WHERE c.space_id = $1 AND c.update_id ${cond} $2 ORDER BY c.update_id ${direction} LIMIT $3)`;
}

/** $1 space, $2 after, $3 limit: the updates after `after`, ascending. */
export const TIMELINE_AFTER = `
  SELECT * FROM (${timelineBranches('>', 'ASC')}) timeline ORDER BY update_id LIMIT $3`;

/** $1 space, $2 before, $3 limit: the updates just before `before`, ascending. */
export const TIMELINE_BEFORE = `
  SELECT * FROM (
    SELECT * FROM (${timelineBranches('<', 'DESC')}) timeline ORDER BY update_id DESC LIMIT $3
  ) page ORDER BY update_id`;
