import type { SpaceId, Update } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import { Outbox, type OutboxItem } from './outbox';

export interface MessageSenderOptions {
  client: Pick<ChatClient, 'sendMessage'>;
  signals: Pick<ChatSignals, 'changed'>;
  /** The HTTP answer stored one of the reader's messages, as the update the space will carry. */
  onStored: (update: Update) => void;
  /** Makes a `clientMsgId`. @default crypto.randomUUID */
  newClientMsgId?: () => string;
}

/**
 * The reader's messages on their way to the server: each shows at once as pending in the
 * `Outbox`, goes out over HTTP, and leaves the outbox when the server confirms it; a failed
 * attempt stays, in words, until the reader retries or discards it.
 */
export class MessageSender {
  readonly #client: Pick<ChatClient, 'sendMessage'>;
  readonly #signals: Pick<ChatSignals, 'changed'>;
  readonly #onStored: (update: Update) => void;
  readonly #newClientMsgId: () => string;
  readonly #outbox = new Outbox();

  constructor(options: MessageSenderOptions) {
    this.#client = options.client;
    this.#signals = options.signals;
    this.#onStored = options.onStored;
    this.#newClientMsgId = options.newClientMsgId ?? (() => crypto.randomUUID());
  }

  /** Puts a message in the outbox as pending; `attempt` sends it. */
  queue(spaceId: SpaceId, content: string): OutboxItem {
    return this.#outbox.add({ clientMsgId: this.#newClientMsgId(), spaceId, content });
  }

  /** Sends a queued message once; the outcome shows in the outbox. */
  async attempt(item: OutboxItem): Promise<void> {
    try {
      const result = await this.#client.sendMessage(item.spaceId, item.content, { clientMsgId: item.clientMsgId });
      this.#outbox.confirm(item.clientMsgId);
      this.#onStored({
        id: result.updateId,
        spaceId: item.spaceId,
        at: result.message.createdAt,
        event: { type: 'message', message: result.message },
      });
    } catch (error) {
      this.#outbox.fail(item.clientMsgId, describeError(error));
    }
    this.#signals.changed();
  }

  /** Sends a failed message again under the same `clientMsgId`, so it is never stored twice. */
  async retry(clientMsgId: string): Promise<void> {
    const item = this.#outbox.retry(clientMsgId);
    if (item === undefined) return;
    this.#signals.changed();
    await this.attempt(item);
  }

  discard(clientMsgId: string): void {
    if (this.#outbox.discard(clientMsgId)) this.#signals.changed();
  }

  /** An update frame carried the reader's message: it got through, whatever its attempt says later. */
  confirm(clientMsgId: string): void {
    this.#outbox.confirm(clientMsgId);
  }

  /** The space's unconfirmed messages in the order they were written. */
  pendingIn(spaceId: SpaceId): OutboxItem[] {
    return this.#outbox.itemsIn(spaceId);
  }
}
