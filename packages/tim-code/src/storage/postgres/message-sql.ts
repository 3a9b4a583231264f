/*
 * How the PostgreSQL store selects messages (as they are now) and the timeline, which merges
 * the messages, the changes to them (edits, deletes, reactions), and the calls of abilities
 * and their outcomes by update id. Rows parse with MessageRow and TimelineRow of rows.ts.
 */

const MESSAGE_COLUMNS = `m.id AS message_id, m.space_id, m.update_id, m.content, m.mentions, m.client_msg_id,
  m.created_at, m.stream, t.id AS sender_id, t.nick AS sender_nick, t.kind AS sender_kind,
  m.reply_to, m.edited_at, m.deleted_at, m.deleted_by, m.reactions`;

/** A message joined with its sender; append a WHERE clause. */
export const SELECT_MESSAGE = `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN timites t ON t.id = m.sender_id`;

/**
 * One branch of the timeline per table, each with the same columns: a change's actor (a call's
 * caller, an outcome's target) fills the sender columns, and the columns only a message has
 * are NULL; a call or an outcome packs the rest in data (ability-columns.ts). `cond` compares
 * update_id.
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
     WHERE c.space_id = $1 AND c.update_id ${cond} $2 ORDER BY c.update_id ${direction} LIMIT $3)
    UNION ALL
    (SELECT 'ability_call', NULL, ac.space_id, ac.update_id, NULL, NULL, NULL, ac.created_at, NULL,
            ca.id, ca.nick, ca.kind, NULL, NULL, NULL, NULL, NULL,
            json_build_object('target', json_build_array(ta.id, ta.nick, ta.kind), 'ability', ac.ability,
              'arguments', ac.arguments, 'deadline', ac.deadline)::text
     FROM ability_calls ac JOIN timites ca ON ca.id = ac.caller_id JOIN timites ta ON ta.id = ac.target_id
     WHERE ac.space_id = $1 AND ac.update_id ${cond} $2 ORDER BY ac.update_id ${direction} LIMIT $3)
    UNION ALL
    (SELECT 'ability_outcome', NULL, ao.space_id, ao.update_id, NULL, NULL, NULL, ao.created_at, NULL,
            t.id, t.nick, t.kind, NULL, NULL, NULL, NULL, NULL,
            json_build_object('callId', ao.call_id, 'status', ao.status, 'result', ao.result,
              'error', ao.error)::text
     FROM ability_outcomes ao JOIN timites t ON t.id = ao.target_id
     WHERE ao.space_id = $1 AND ao.update_id ${cond} $2 ORDER BY ao.update_id ${direction} LIMIT $3)`;
}

/** $1 space, $2 after, $3 limit: the updates after `after`, ascending. */
export const TIMELINE_AFTER = `
  SELECT * FROM (${timelineBranches('>', 'ASC')}) timeline ORDER BY update_id LIMIT $3`;

/** $1 space, $2 before, $3 limit: the updates just before `before`, ascending. */
export const TIMELINE_BEFORE = `
  SELECT * FROM (
    SELECT * FROM (${timelineBranches('<', 'DESC')}) timeline ORDER BY update_id DESC LIMIT $3
  ) page ORDER BY update_id`;
