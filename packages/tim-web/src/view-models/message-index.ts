import { applyToMessage, isMessageUpdate, messageIdOf, type Message, type Update } from '@tim/protocol';
import type { TimelineEntry } from './timeline';

interface Indexed {
  updateId: number;
  /** The newest update the shown message already reflects: changes up to it are in it. */
  asOf: number;
}

/**
 * Finds a window's messages by message id, and folds `message_edited`, `message_deleted` and
 * `reaction` updates into them, each in O(log n): a map from message id to update id, then a
 * binary search in the entries (sorted by update id).
 *
 * A message read in a page is shown as it is now, so it already holds the changes the page
 * carries after it; each message remembers the newest update it reflects, and a change at or
 * before that is not applied again (an older `reaction` set would undo a newer one). Messages
 * that left the window stay in the map until a lookup misses them or the map outgrows the window
 * twice, when it is rebuilt from the entries.
 */
export class MessageIndex {
  #byMessageId = new Map<number, Indexed>();

  clear(): void {
    this.#byMessageId.clear();
  }

  /**
   * Notes the messages of a batch now in `entries` and applies the batch's changes to them, in
   * place. `asOf`: the newest update the batch's messages reflect (a page's last id; for a live
   * update, its own id). Returns whether any entry changed.
   */
  fold(entries: TimelineEntry[], updates: readonly Update[], asOf: (update: Update) => number): boolean {
    let changed = false;
    for (const update of updates) {
      if (isMessageUpdate(update)) {
        if (indexOfUpdate(entries, update.id) !== undefined)
          this.#note(update.event.message.id, update.id, asOf(update));
      } else if (isChange(update)) {
        changed = this.#applyChange(entries, update) || changed;
      }
    }
    if (this.#byMessageId.size > 2 * entries.length + 64) this.#rebuild(entries);
    return changed;
  }

  /** The entry of message `messageId`, when the window holds it. */
  find(entries: readonly TimelineEntry[], messageId: number): TimelineEntry | undefined {
    const index = this.#indexOf(entries, messageId);
    return index === undefined ? undefined : entries[index];
  }

  /**
   * Shows `message` as the server answered it after a change that took update `asOf` (the
   * reader's own edit, delete or reaction), unless the window already shows a newer state.
   */
  refresh(entries: TimelineEntry[], message: Message, asOf: number): boolean {
    const index = this.#indexOf(entries, message.id);
    const indexed = this.#byMessageId.get(message.id);
    if (index === undefined || indexed === undefined || asOf <= indexed.asOf) return false;
    entries[index] = { updateId: indexed.updateId, message };
    indexed.asOf = asOf;
    return true;
  }

  #applyChange(entries: TimelineEntry[], update: Update): boolean {
    const messageId = messageIdOf(update.event);
    // An ability call or outcome changes no message.
    if (messageId === undefined) return false;
    const index = this.#indexOf(entries, messageId);
    const indexed = this.#byMessageId.get(messageId);
    if (index === undefined || indexed === undefined || update.id <= indexed.asOf) return false;
    const entry = entries[index] as TimelineEntry;
    entries[index] = { updateId: entry.updateId, message: applyToMessage(entry.message, update) };
    indexed.asOf = update.id;
    return true;
  }

  #note(messageId: number, updateId: number, asOf: number): void {
    const indexed = this.#byMessageId.get(messageId);
    if (indexed !== undefined && indexed.updateId === updateId) indexed.asOf = Math.max(indexed.asOf, asOf);
    else this.#byMessageId.set(messageId, { updateId, asOf });
  }

  #indexOf(entries: readonly TimelineEntry[], messageId: number): number | undefined {
    const indexed = this.#byMessageId.get(messageId);
    if (indexed === undefined) return undefined;
    const index = indexOfUpdate(entries, indexed.updateId);
    if (index === undefined || entries[index]?.message.id !== messageId) {
      this.#byMessageId.delete(messageId);
      return undefined;
    }
    return index;
  }

  #rebuild(entries: readonly TimelineEntry[]): void {
    const kept = new Map<number, Indexed>();
    for (const entry of entries) {
      const indexed = this.#byMessageId.get(entry.message.id);
      if (indexed !== undefined) kept.set(entry.message.id, indexed);
    }
    this.#byMessageId = kept;
  }
}

/** Changes to a message that came before: edits, deletes, reactions (not unknown kinds from newer servers). */
function isChange(update: Update): boolean {
  const { type } = update.event;
  return type === 'message_edited' || type === 'message_deleted' || type === 'reaction';
}

/** Binary search for the entry with `updateId` in entries sorted by update id. */
export function indexOfUpdate(entries: readonly TimelineEntry[], updateId: number): number | undefined {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const id = (entries[middle] as TimelineEntry).updateId;
    if (id === updateId) return middle;
    if (id < updateId) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
