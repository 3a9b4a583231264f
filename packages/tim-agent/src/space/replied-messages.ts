import { applyToMessage, messageIdOf, type Message, type Update } from '@tim/protocol';

/**
 * Messages of one space that others replied to and that the agent read one by one because
 * they were older than its history window, as they are now. Keeps the `capacity` most
 * recently used; the changes that arrive live are applied to them.
 */
export class RepliedMessages {
  private readonly byId = new Map<number, Message>();

  constructor(private readonly capacity = 100) {}

  get(messageId: number): Message | undefined {
    const message = this.byId.get(messageId);
    if (message === undefined) return undefined;
    // Re-inserted, so the Map's order is the order of use.
    this.byId.delete(messageId);
    this.byId.set(messageId, message);
    return message;
  }

  remember(message: Message): void {
    this.byId.delete(message.id);
    this.byId.set(message.id, message);
    const oldest = this.byId.keys().next();
    if (this.byId.size > this.capacity && oldest.done !== true) this.byId.delete(oldest.value);
  }

  /** Applies an edit, delete or reaction to the message it changes, if it is kept here. */
  apply(update: Update): void {
    const messageId = messageIdOf(update.event);
    if (messageId === undefined) return;
    const message = this.byId.get(messageId);
    if (message !== undefined) this.byId.set(messageId, applyToMessage(message, update));
  }
}
