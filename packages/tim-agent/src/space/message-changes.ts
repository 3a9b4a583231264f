import {
  applyToMessage,
  type Message,
  type MessageDeletedEvent,
  type MessageEditedEvent,
  type Update,
} from '@tim/protocol';

type Edited = Update & { event: MessageEditedEvent };
type Deleted = Update & { event: MessageDeletedEvent };

/**
 * The edits and deletes an agent heard live in one space, so that a message it read from the
 * server is shown as it is now: a read that raced a delete must not bring the deleted text
 * back into a prompt, nor a read that raced an edit the old text. Keeps the newest `capacity`
 * changed messages.
 */
export class MessageChanges {
  private readonly byMessageId = new Map<number, { edited?: Edited; deleted?: Deleted }>();

  constructor(private readonly capacity = 1000) {}

  /** Remembers an edit or a delete; other updates are ignored. */
  record(update: Update): void {
    if (!isEdited(update) && !isDeleted(update)) return;
    const { messageId } = update.event;
    const changes = this.byMessageId.get(messageId) ?? {};
    if (isDeleted(update)) changes.deleted = update;
    else if (isNewerEdit(changes.edited?.event.editedAt, update.event.editedAt)) changes.edited = update;
    else return;
    // Re-inserted, so the Map's order is the order of the last change.
    this.byMessageId.delete(messageId);
    this.byMessageId.set(messageId, changes);
    const oldest = this.byMessageId.keys().next();
    if (this.byMessageId.size > this.capacity && oldest.done !== true) this.byMessageId.delete(oldest.value);
  }

  isDeleted(messageId: number): boolean {
    return this.byMessageId.get(messageId)?.deleted !== undefined;
  }

  /** `message` with the changes heard live that it does not show yet. */
  current(message: Message): Message {
    const changes = this.byMessageId.get(message.id);
    if (changes === undefined || message.deletedAt !== undefined) return message;
    if (changes.deleted !== undefined) return applyToMessage(message, changes.deleted);
    const { edited } = changes;
    if (edited !== undefined && isNewerEdit(message.editedAt, edited.event.editedAt)) {
      return applyToMessage(message, edited);
    }
    return message;
  }
}

function isEdited(update: Update): update is Edited {
  return update.event.type === 'message_edited';
}

function isDeleted(update: Update): update is Deleted {
  return update.event.type === 'message_deleted';
}

/** Whether an edit made at `candidate` is newer than one made at `current` (undefined: none). */
function isNewerEdit(current: string | undefined, candidate: string): boolean {
  return current === undefined || Date.parse(candidate) > Date.parse(current);
}
