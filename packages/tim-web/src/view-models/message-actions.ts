import type { Message, MessageChangeResponse, SpaceId, TimClient } from '@tim/protocol';
import type { ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import { hasReacted } from './reactions';

export type MessageChangeClient = Pick<TimClient, 'editMessage' | 'deleteMessage' | 'addReaction' | 'removeReaction'>;

export interface MessageActionsOptions {
  client: MessageChangeClient;
  signals: ChatSignals;
  /** A change was stored: `message` as it is now, after update `updateId`. */
  onChanged: (spaceId: SpaceId, message: Message, updateId: number) => void;
}

/**
 * The reader's changes to messages: edits and deletes of their own, reactions to any. The
 * server's answer shows at once (the live update that follows changes nothing more); a failure
 * shows as a notice in words and changes nothing, so what the reader typed is not lost.
 */
export class MessageActions {
  readonly #client: MessageChangeClient;
  readonly #signals: ChatSignals;
  readonly #onChanged: MessageActionsOptions['onChanged'];
  /** Reactions on their way, by message and emoji: a second click waits for the first answer. */
  readonly #reacting = new Set<string>();

  constructor(options: MessageActionsOptions) {
    this.#client = options.client;
    this.#signals = options.signals;
    this.#onChanged = options.onChanged;
  }

  /** Saves new content for one of the reader's messages; false when it failed (the notice says why). */
  edit(spaceId: SpaceId, messageId: number, content: string): Promise<boolean> {
    return this.#change(spaceId, 'Could not save your edit.', () =>
      this.#client.editMessage(spaceId, messageId, content),
    );
  }

  /** Deletes one of the reader's messages for everyone; false when it failed. */
  delete(spaceId: SpaceId, messageId: number): Promise<boolean> {
    return this.#change(spaceId, 'Could not delete that message.', () =>
      this.#client.deleteMessage(spaceId, messageId),
    );
  }

  /** Adds the reader's `emoji` to `message`, or takes it back when they had reacted with it. */
  async toggleReaction(spaceId: SpaceId, message: Message, emoji: string, myId: number): Promise<boolean> {
    const key = `${spaceId}\n${message.id}\n${emoji}`;
    if (this.#reacting.has(key)) return false;
    this.#reacting.add(key);
    try {
      const remove = hasReacted(message, emoji, myId);
      return await this.#change(
        spaceId,
        remove ? 'Could not take your reaction back.' : 'Could not add your reaction.',
        () =>
          remove
            ? this.#client.removeReaction(spaceId, message.id, emoji)
            : this.#client.addReaction(spaceId, message.id, emoji),
      );
    } finally {
      this.#reacting.delete(key);
    }
  }

  async #change(spaceId: SpaceId, failure: string, call: () => Promise<MessageChangeResponse>): Promise<boolean> {
    try {
      const { message, updateId } = await call();
      // Without an update id nothing changed (the reaction was there already): the view shows it.
      if (updateId !== undefined) this.#onChanged(spaceId, message, updateId);
      return true;
    } catch (error) {
      this.#signals.notice(`${failure} ${describeError(error)}`);
      this.#signals.changed();
      return false;
    }
  }
}
