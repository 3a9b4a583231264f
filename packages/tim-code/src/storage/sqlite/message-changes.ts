import type { Update } from '@tim/protocol';
import type Database from 'better-sqlite3';
import { decideDelete, decideEdit, decideReaction, type ChangeTarget } from '../change-rules';
import { deletedUpdate, editedUpdate, reactionUpdate } from '../change-updates';
import type { ChangeKind, EditedChangeData, ReactionChangeData } from '../change-updates';
import { applyReactionToggle } from '../reaction-rules';
import type {
  MessageChangeResult,
  MessageChangeStorage,
  MessageDeletion,
  MessageEdit,
  MessageRef,
  ReactionChange,
} from '../storage';
import { parseReactions, reactionsColumn, toCurrentMessage, toSpaceUnread, toTimite } from './rows';
import { searchMessages } from './search';
import type { MessageRow, Statements } from './statements';

interface NewChange {
  row: MessageRow;
  kind: ChangeKind;
  actorId: number;
  at: Date;
  data: EditedChangeData | ReactionChangeData | null;
}

function targetOf(row: MessageRow): ChangeTarget {
  return { senderId: row.sender_id, deleted: row.deleted_at !== null };
}

/**
 * Edits, deletes, reactions, read markers and search on the schema of migration step 5.
 * Each change runs in one IMMEDIATE transaction, like an append: it reads the message, writes
 * it as it is now, and appends the change as the space's next update.
 */
export function createSqliteMessageChanges(db: Database.Database, sql: Statements): MessageChangeStorage {
  function findMessage(ref: MessageRef): MessageRow | undefined {
    return sql.messageInSpace.get(ref.messageId, ref.spaceId);
  }

  /** Appends the change as the space's next update; the agent streak stays as it is. */
  function appendChange(change: NewChange): number {
    const counters = sql.spaceCounters.get(change.row.space_id);
    if (counters === undefined) throw new Error(`The space of message ${change.row.message_id} is gone.`);
    const updateId = counters.head_id + 1;
    sql.insertChange.run({
      spaceId: change.row.space_id,
      updateId,
      kind: change.kind,
      messageId: change.row.message_id,
      actorId: change.actorId,
      createdAt: change.at.getTime(),
      data: change.data === null ? null : JSON.stringify(change.data),
    });
    sql.advanceHead.run({ id: change.row.space_id, headId: updateId });
    return updateId;
  }

  /** The outcome of a change that was written: its update, and the message read back as it is now. */
  function changed(row: MessageRow, update: Update): MessageChangeResult {
    const after = findMessage({ messageId: row.message_id, spaceId: row.space_id });
    if (after === undefined) throw new Error(`Message ${row.message_id} vanished during its change.`);
    return { outcome: 'changed', update, current: toCurrentMessage(after) };
  }

  const edit = db.transaction((input: MessageEdit): MessageChangeResult => {
    const row = findMessage(input);
    if (row === undefined) return { outcome: 'not_found' };
    const decision = decideEdit(targetOf(row), input.editorId);
    if (decision === 'forbidden') return { outcome: 'forbidden' };
    if (decision === 'deleted') return { outcome: 'deleted', current: toCurrentMessage(row) };
    const mentions = JSON.stringify(input.mentions);
    sql.editMessage.run({ id: row.message_id, content: input.content, mentions, editedAt: input.editedAt.getTime() });
    const data = { content: input.content, mentions: input.mentions };
    const updateId = appendChange({ row, kind: 'edited', actorId: input.editorId, at: input.editedAt, data });
    return changed(row, editedUpdate(input, updateId));
  });

  const erase = db.transaction((input: MessageDeletion): MessageChangeResult => {
    const row = findMessage(input);
    if (row === undefined) return { outcome: 'not_found' };
    const decision = decideDelete(targetOf(row), input);
    if (decision === 'forbidden') return { outcome: 'forbidden' };
    if (decision === 'unchanged') return { outcome: 'unchanged', current: toCurrentMessage(row) };
    // The content update also takes the text out of messages_fts (its trigger); secure_delete
    // and the index's secure-delete option overwrite what the old text occupied.
    sql.eraseMessage.run({ id: row.message_id, deletedAt: input.deletedAt.getTime(), deletedBy: input.actorId });
    sql.eraseEdits.run(row.message_id);
    const updateId = appendChange({ row, kind: 'deleted', actorId: input.actorId, at: input.deletedAt, data: null });
    return changed(row, deletedUpdate(input, updateId));
  });

  const react = db.transaction((input: ReactionChange): MessageChangeResult => {
    const row = findMessage(input);
    if (row === undefined) return { outcome: 'not_found' };
    if (decideReaction(targetOf(row)) === 'deleted') return { outcome: 'deleted', current: toCurrentMessage(row) };
    const actorRow = sql.timiteById.get(input.timiteId);
    // A programming error, not an outcome: the domain only changes for timites it resolved.
    if (actorRow === undefined) throw new Error(`changeReaction: unknown timite id ${input.timiteId}`);
    const timite = toTimite(actorRow);
    const toggle = applyReactionToggle(parseReactions(row.reactions), { ...input, timite });
    if (toggle.outcome === 'unchanged') return { outcome: 'unchanged', current: toCurrentMessage(row) };
    if (toggle.outcome === 'reaction_limit') return { outcome: 'reaction_limit' };
    sql.setReactions.run({ id: row.message_id, reactions: reactionsColumn(toggle.reactions) });
    const data = { emoji: input.emoji, added: input.add, reactions: toggle.reactions };
    const updateId = appendChange({ row, kind: 'reaction', actorId: input.timiteId, at: input.at, data });
    return changed(row, reactionUpdate(input, timite, toggle.reactions, updateId));
  });

  return {
    async getMessage(ref) {
      const row = findMessage(ref);
      return row === undefined ? undefined : toCurrentMessage(row);
    },

    // IMMEDIATE, like an append: the write lock is taken before the head is read.
    async editMessage(input) {
      return edit.immediate(input);
    },

    async deleteMessage(input) {
      return erase.immediate(input);
    },

    async changeReaction(input) {
      return react.immediate(input);
    },

    async markRead(timiteId, spaceId, updateId) {
      return sql.markRead.get({ timiteId, spaceId, updateId })?.update_id;
    },

    async unreadCounts(timiteId, spaceIds, cap) {
      const rows = sql.unreadCounts.all({ timiteId, spaceIds: JSON.stringify(spaceIds), cap });
      return new Map(rows.map((row) => [row.space_id, toSpaceUnread(row)]));
    },

    async searchMessages(search) {
      return searchMessages(sql, search);
    },
  };
}
