import { applyToMessage, messageIdOf, type Message, type Update } from '@tim/protocol';

/**
 * The messages of one space that an agent knows, by update id: its subscription's updates,
 * the history it read, and its own replies as soon as the server acknowledged them (so a
 * reply counts in the agent chain before its echo arrives). Keeps the newest `capacity`.
 * Edits, deletes and reactions change the messages they name and are no entries of their own:
 * they are no turns in the agent chain.
 */
export class KnownMessages {
  private readonly byUpdateId = new Map<number, Message>();

  constructor(private readonly capacity = 200) {}

  add(updateId: number, message: Message): void {
    this.byUpdateId.set(updateId, message);
    if (this.byUpdateId.size <= this.capacity) return;
    const oldest = [...this.byUpdateId.keys()].sort((a, b) => a - b).slice(0, this.byUpdateId.size - this.capacity);
    for (const id of oldest) this.byUpdateId.delete(id);
  }

  /** Folds an edit, delete or reaction into the known message it changes; other updates change nothing. */
  apply(update: Update): void {
    if (update.event.type === 'message') return;
    const messageId = messageIdOf(update.event);
    for (const [updateId, message] of this.byUpdateId) {
      if (message.id === messageId) this.byUpdateId.set(updateId, applyToMessage(message, update));
    }
  }

  has(updateId: number): boolean {
    return this.byUpdateId.has(updateId);
  }

  /** The message update `updateId` added, if known. */
  messageAt(updateId: number): Message | undefined {
    return this.byUpdateId.get(updateId);
  }

  /** Newest update id known, 0 when none. */
  newestId(): number {
    let newest = 0;
    for (const id of this.byUpdateId.keys()) newest = Math.max(newest, id);
    return newest;
  }

  /** Update id of the newest human message, 0 when none is known. */
  newestHumanId(): number {
    return this.newestWhere((message) => message.sender.kind === 'human');
  }

  /** Agent messages after the newest human message (all of them when no human message is known). */
  agentChain(): number {
    return agentChainOf(this.inOrder());
  }

  /** The messages after the newest human message, oldest first: the current agent run. */
  agentRun(): Message[] {
    const messages = this.inOrder();
    return messages.slice(messages.length - agentChainOf(messages));
  }

  /** Every known message with its update id, oldest first. */
  entries(): { updateId: number; message: Message }[] {
    return [...this.byUpdateId.entries()]
      .sort(([a], [b]) => a - b)
      .map(([updateId, message]) => ({ updateId, message }));
  }

  /** Update id of the newest message from `senderId`, 0 when none is known. */
  newestFromId(senderId: number): number {
    return this.newestWhere((message) => message.sender.id === senderId);
  }

  private newestWhere(isWanted: (message: Message) => boolean): number {
    let newest = 0;
    for (const [id, message] of this.byUpdateId) if (isWanted(message)) newest = Math.max(newest, id);
    return newest;
  }

  private inOrder(): Message[] {
    return this.entries().map(({ message }) => message);
  }
}

/** Agent messages at the end of `messages` (oldest first), back to the newest human message. */
export function agentChainOf(messages: readonly Message[]): number {
  let chain = 0;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.sender.kind === 'human') break;
    chain += 1;
  }
  return chain;
}
