import { Reaction, type Message, type Timite, type Update } from '@tim/protocol';
import { z } from 'zod';
import type { MessageDeletion, MessageEdit, ReactionChange } from './storage';

/*
 * The updates that edits, deletes and reactions append, and the message as each leaves it,
 * shaped once for every backend. SQL backends store a change as a `message_changes` row whose
 * `data` is one of the JSON shapes below, and read it back with `toChangeUpdate`.
 */

export type ChangeKind = 'edited' | 'deleted' | 'reaction';

/** `data` of an `edited` change; NULL once its message is deleted (the edit is erased too). */
export const EditedChangeData = z.object({ content: z.string(), mentions: z.array(z.number().int()) });
export type EditedChangeData = z.infer<typeof EditedChangeData>;

/** `data` of a `reaction` change: the toggle, and the message's whole set afterwards. */
export const ReactionChangeData = z.object({ emoji: z.string(), added: z.boolean(), reactions: z.array(Reaction) });
export type ReactionChangeData = z.infer<typeof ReactionChangeData>;

/** How an edit of a deleted message reads back: no content, no mentions. */
export const ERASED_EDIT: EditedChangeData = { content: '', mentions: [] };

/** A stored change as a backend reads it, before it is shaped for the wire. */
export interface StoredChange {
  spaceId: string;
  updateId: number;
  kind: ChangeKind;
  messageId: number;
  actor: Timite;
  createdAt: Date;
  /** Parsed JSON of the `data` column, null when it is NULL. */
  data: unknown;
}

/** The protocol's Update for a stored change; an erased edit reads back as ERASED_EDIT. */
export function toChangeUpdate(stored: StoredChange): Update {
  const at = stored.createdAt.toISOString();
  const base = { id: stored.updateId, spaceId: stored.spaceId, at };
  const { messageId, actor } = stored;
  switch (stored.kind) {
    case 'edited': {
      const data = stored.data === null ? ERASED_EDIT : EditedChangeData.parse(stored.data);
      const event = { type: 'message_edited' as const, messageId, ...data, mentions: [...data.mentions] };
      return { ...base, event: { ...event, editedAt: at, editedBy: actor.id } };
    }
    case 'deleted':
      return { ...base, event: { type: 'message_deleted', messageId, deletedAt: at, deletedBy: actor.id } };
    case 'reaction': {
      const { emoji, added, reactions } = ReactionChangeData.parse(stored.data);
      const timite = { id: actor.id, nick: actor.nick, kind: actor.kind };
      return { ...base, event: { type: 'reaction', messageId, emoji, timite, added, reactions } };
    }
  }
}

/** The `message_edited` update an edit appends as `updateId`. */
export function editedUpdate(edit: MessageEdit, updateId: number): Update {
  const at = edit.editedAt.toISOString();
  const event = { type: 'message_edited' as const, messageId: edit.messageId, content: edit.content };
  return {
    id: updateId,
    spaceId: edit.spaceId,
    at,
    event: { ...event, mentions: [...edit.mentions], editedAt: at, editedBy: edit.editorId },
  };
}

/** The `message_deleted` update a delete appends as `updateId`. */
export function deletedUpdate(deletion: MessageDeletion, updateId: number): Update {
  const at = deletion.deletedAt.toISOString();
  return {
    id: updateId,
    spaceId: deletion.spaceId,
    at,
    event: { type: 'message_deleted', messageId: deletion.messageId, deletedAt: at, deletedBy: deletion.actorId },
  };
}

/** The `reaction` update a reaction change appends as `updateId`; `reactions` is the set afterwards. */
export function reactionUpdate(
  change: ReactionChange,
  timite: Timite,
  reactions: Reaction[],
  updateId: number,
): Update {
  return {
    id: updateId,
    spaceId: change.spaceId,
    at: change.at.toISOString(),
    event: {
      type: 'reaction',
      messageId: change.messageId,
      emoji: change.emoji,
      timite: { id: timite.id, nick: timite.nick, kind: timite.kind },
      added: change.add,
      reactions: structuredClone(reactions),
    },
  };
}

/** The message after an edit. */
export function editedMessage(message: Message, edit: MessageEdit): Message {
  return { ...message, content: edit.content, mentions: [...edit.mentions], editedAt: edit.editedAt.toISOString() };
}

/** The tombstone a delete leaves: no content, mentions or reactions; who deleted it and when. */
export function tombstoneOf(message: Message, deletion: MessageDeletion): Message {
  const { reactions: _erased, ...kept } = message;
  return {
    ...kept,
    content: '',
    mentions: [],
    deletedAt: deletion.deletedAt.toISOString(),
    deletedBy: deletion.actorId,
  };
}

/** The message with this set of reactions; none listed when the set is empty. */
export function withReactions(message: Message, reactions: Reaction[]): Message {
  const { reactions: _old, ...kept } = message;
  return reactions.length === 0 ? kept : { ...kept, reactions: structuredClone(reactions) };
}
