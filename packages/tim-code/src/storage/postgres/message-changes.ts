import type { Timite } from '@tim/protocol';
import type { PoolClient } from 'pg';
import type { z } from 'zod';
import { decideDelete, decideEdit, decideReaction, type ChangeTarget } from '../change-rules';
import {
  deletedUpdate,
  editedMessage,
  editedUpdate,
  reactionUpdate,
  tombstoneOf,
  withReactions,
  type ChangeKind,
  type EditedChangeData,
  type ReactionChangeData,
} from '../change-updates';
import { applyReactionToggle } from '../reaction-rules';
import type { CurrentMessage, MessageChangeResult, MessageChangeStorage, MessageRef } from '../storage';
import { SELECT_MESSAGE } from './message-sql';
import type { Queries } from './queries';
import {
  ChangeTargetRow,
  MessageRow,
  parseReactions,
  ReadMarkerRow,
  SpaceCountersRow,
  toCurrentMessage,
  toSpaceUnread,
  toTimite,
  UnreadRow,
} from './rows';
import { searchMessages } from './search';

/**
 * $1 space. Locks the space's row, as an append does, so that a change takes the next update
 * id in line with messages; no row when the space does not exist.
 */
const LOCK_SPACE = 'SELECT head_id, agent_streak FROM spaces WHERE id = $1 FOR UPDATE';

/**
 * $1 space, $2 message, $3 actor. A statement of its own after LOCK_SPACE: it reads the
 * message as the change before it left it (in one statement with the lock, the message would
 * be read as it was before the wait, and a concurrent reaction lost).
 */
const CHANGE_TARGET = `
  SELECT row_to_json(m) AS message, row_to_json(a) AS actor
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (${SELECT_MESSAGE} WHERE m.id = $2 AND m.space_id = $1) m ON true
  LEFT JOIN (SELECT id, nick, kind, password_hash, revoked FROM timites) a ON a.id = $3`;

/** $1 space, $2 update id, $3 kind, $4 message, $5 actor, $6 time, $7 data: the change and the new head. */
const INSERT_CHANGE = `
  WITH change AS (
    INSERT INTO message_changes (space_id, update_id, kind, message_id, actor_id, created_at, data)
    VALUES ($1, $2, $3, $4, $5, $6, $7))
  UPDATE spaces SET head_id = $2 WHERE id = $1`;

/** $1 message, $2 time, $3 deleted by: a tombstone, and the content of its edits gone with it. */
const ERASE_MESSAGE = `
  WITH edits AS (UPDATE message_changes SET data = NULL WHERE message_id = $1 AND kind = 'edited')
  UPDATE messages SET content = '', mentions = '{}', reactions = NULL, deleted_at = $2, deleted_by = $3
  WHERE id = $1`;

/** $1 timite, $2 space ids, $3 cap. Counting stops at the cap (LIMIT in the subquery). */
const UNREAD_COUNTS = `
  SELECT s.id AS space_id, coalesce(r.update_id, 0) AS read_up_to,
    (SELECT count(*)::integer FROM (
       SELECT 1 FROM messages m
       WHERE m.space_id = s.id AND m.update_id > coalesce(r.update_id, 0) AND m.sender_id <> $1
         AND m.deleted_at IS NULL
       LIMIT $3) unread) AS messages,
    (SELECT count(*)::integer FROM (
       SELECT 1 FROM messages m
       WHERE m.space_id = s.id AND m.update_id > coalesce(r.update_id, 0) AND m.sender_id <> $1
         AND m.deleted_at IS NULL AND $1 = ANY (m.mentions)
       LIMIT $3) mentioning) AS mentions
  FROM spaces s LEFT JOIN read_markers r ON r.space_id = s.id AND r.timite_id = $1
  WHERE s.id = ANY ($2::text[])`;

/** $1 timite, $2 space, $3 update id: forward only, never past the head; no row for an unknown space. */
const MARK_READ = `
  INSERT INTO read_markers (timite_id, space_id, update_id)
  SELECT $1, s.id, least($3, s.head_id) FROM spaces s WHERE s.id = $2
  ON CONFLICT (timite_id, space_id) DO UPDATE SET update_id = greatest(read_markers.update_id, excluded.update_id)
  RETURNING update_id`;

/** The message a change names, as it is now and as the shared change rules see it. */
interface ChangeState {
  headId: number;
  row: MessageRow;
  current: CurrentMessage;
  target: ChangeTarget;
  actor: Timite | undefined;
}

/** Edits, deletes, reactions, read markers and search, on the PostgreSQL schema of step 5. */
export function createPostgresMessageChanges(db: Queries): MessageChangeStorage {
  /**
   * Runs `decide` on the message as it is now, inside a transaction that holds the space's
   * row: not_found when the space has no such message.
   */
  function changing(
    ref: MessageRef,
    actorId: number,
    decide: (client: PoolClient, state: ChangeState) => Promise<MessageChangeResult>,
  ): Promise<MessageChangeResult> {
    return db.inTransaction(async (client) => {
      const space = await db.first(SpaceCountersRow, LOCK_SPACE, [ref.spaceId], client);
      if (space === undefined) return { outcome: 'not_found' };
      const found = await db.first(ChangeTargetRow, CHANGE_TARGET, [ref.spaceId, ref.messageId, actorId], client);
      if (found?.message == null) return { outcome: 'not_found' };
      const row = found.message;
      return decide(client, {
        headId: space.head_id,
        row,
        current: toCurrentMessage(row),
        target: { senderId: row.sender_id, deleted: row.deleted_at !== null },
        actor: found.actor === null ? undefined : toTimite(found.actor),
      });
    });
  }

  /** The change as the space's next update, and the new head (the agent streak stays). */
  async function appendChange(
    client: PoolClient,
    change: {
      row: MessageRow;
      updateId: number;
      kind: ChangeKind;
      actorId: number;
      at: Date;
      data: EditedChangeData | ReactionChangeData | null;
    },
  ): Promise<void> {
    await client.query(INSERT_CHANGE, [
      change.row.space_id,
      change.updateId,
      change.kind,
      change.row.message_id,
      change.actorId,
      change.at.getTime(),
      change.data === null ? null : JSON.stringify(change.data),
    ]);
  }

  return {
    async getMessage(ref) {
      const row = await db.first(MessageRow, `${SELECT_MESSAGE} WHERE m.id = $1 AND m.space_id = $2`, [
        ref.messageId,
        ref.spaceId,
      ]);
      return row === undefined ? undefined : toCurrentMessage(row);
    },

    editMessage(edit) {
      return changing(edit, edit.editorId, async (client, { headId, row, current, target }) => {
        const decision = decideEdit(target, edit.editorId);
        if (decision === 'forbidden') return { outcome: 'forbidden' };
        if (decision === 'deleted') return { outcome: 'deleted', current };
        await client.query('UPDATE messages SET content = $2, mentions = $3, edited_at = $4 WHERE id = $1', [
          row.message_id,
          edit.content,
          edit.mentions,
          edit.editedAt.getTime(),
        ]);
        const data = { content: edit.content, mentions: edit.mentions };
        const updateId = headId + 1;
        await appendChange(client, { row, updateId, kind: 'edited', actorId: edit.editorId, at: edit.editedAt, data });
        return {
          outcome: 'changed',
          update: editedUpdate(edit, updateId),
          current: { message: editedMessage(current.message, edit), updateId: current.updateId },
        };
      });
    },

    deleteMessage(deletion) {
      return changing(deletion, deletion.actorId, async (client, { headId, row, current, target }) => {
        const decision = decideDelete(target, deletion);
        if (decision === 'forbidden') return { outcome: 'forbidden' };
        if (decision === 'unchanged') return { outcome: 'unchanged', current };
        await client.query(ERASE_MESSAGE, [row.message_id, deletion.deletedAt.getTime(), deletion.actorId]);
        const updateId = headId + 1;
        const { actorId, deletedAt: at } = deletion;
        await appendChange(client, { row, updateId, kind: 'deleted', actorId, at, data: null });
        return {
          outcome: 'changed',
          update: deletedUpdate(deletion, updateId),
          current: { message: tombstoneOf(current.message, deletion), updateId: current.updateId },
        };
      });
    },

    changeReaction(change) {
      return changing(change, change.timiteId, async (client, { headId, row, current, target, actor }) => {
        if (actor === undefined) throw new Error(`changeReaction: unknown timite id ${change.timiteId}`);
        if (decideReaction(target) === 'deleted') return { outcome: 'deleted', current };
        const toggle = applyReactionToggle(parseReactions(row.reactions), { ...change, timite: actor });
        if (toggle.outcome !== 'changed') {
          return toggle.outcome === 'unchanged' ? { outcome: 'unchanged', current } : { outcome: 'reaction_limit' };
        }
        const { reactions } = toggle;
        await client.query('UPDATE messages SET reactions = $2 WHERE id = $1', [
          row.message_id,
          reactions.length === 0 ? null : JSON.stringify(reactions),
        ]);
        const data = { emoji: change.emoji, added: change.add, reactions };
        const updateId = headId + 1;
        await appendChange(client, { row, updateId, kind: 'reaction', actorId: actor.id, at: change.at, data });
        return {
          outcome: 'changed',
          update: reactionUpdate(change, actor, reactions, updateId),
          current: { message: withReactions(current.message, reactions), updateId: current.updateId },
        };
      });
    },

    async markRead(timiteId, spaceId, updateId) {
      return (await db.first(ReadMarkerRow, MARK_READ, [timiteId, spaceId, updateId]))?.update_id;
    },

    async unreadCounts(timiteId, spaceIds, cap) {
      const found: Array<z.infer<typeof UnreadRow>> =
        spaceIds.length === 0 ? [] : await db.rows(UnreadRow, UNREAD_COUNTS, [timiteId, spaceIds, cap]);
      return new Map(found.map((row) => [row.space_id, toSpaceUnread(row)]));
    },

    searchMessages: (search) => searchMessages(db, search),
  };
}
