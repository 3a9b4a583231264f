import {
  applyToMessage,
  DEFAULT_LIMITS,
  isMessageUpdate,
  messageIdOf,
  type Message,
  type TimClient,
  type Update,
} from '@tim/protocol';

/** Pages read back at most to find the messages among edits, deletes and reactions. */
export const MAX_HISTORY_PAGES = 4;

/**
 * The newest `count` messages of a space up to update `throughUpdateId`, oldest first, as they
 * are now: the edits, deletes and reactions read with them are folded in (tombstones stay, for
 * the caller to drop). Edits, deletes and reactions take updates of their own, so it pages back
 * until it has `count` messages, reached the start, or read `MAX_HISTORY_PAGES` pages.
 * Throws `TimClientError` when the server could not be read.
 */
export async function readRecentMessages(
  client: TimClient,
  spaceId: string,
  throughUpdateId: number,
  count: number,
): Promise<Message[]> {
  const updates: Update[] = [];
  let messages = 0;
  for (let before = throughUpdateId + 1, page = 0; messages < count && before > 1 && page < MAX_HISTORY_PAGES; page++) {
    const read = await client.readUpdates(spaceId, { before, limit: Math.min(DEFAULT_LIMITS.pageMax, count) });
    const first = read.updates[0];
    if (first === undefined) break;
    updates.unshift(...read.updates);
    messages += read.updates.filter(isMessageUpdate).length;
    before = first.id;
  }
  return foldChanges(updates).slice(-count);
}

/** The messages `updates` (oldest first) add, with the changes among them applied. */
export function foldChanges(updates: readonly Update[]): Message[] {
  const byId = new Map<number, Message>();
  for (const update of updates) {
    if (isMessageUpdate(update)) {
      byId.set(update.event.message.id, update.event.message);
      continue;
    }
    const messageId = messageIdOf(update.event);
    const message = messageId === undefined ? undefined : byId.get(messageId);
    if (message !== undefined) byId.set(message.id, applyToMessage(message, update));
  }
  return [...byId.values()];
}
