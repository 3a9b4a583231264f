import type { Message, SpaceId, Update } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import type { KeyValueStore } from './key-value-store';
import { Outbox, type OutboxItem } from './outbox';

export interface MessageSenderOptions {
  client: Pick<ChatClient, 'sendMessage'>;
  signals: Pick<ChatSignals, 'changed'>;
  /** The HTTP answer stored one of the reader's messages, as the update the space will carry. */
  onStored: (update: Update) => void;
  /** Makes a `clientMsgId`. @default crypto.randomUUID */
  newClientMsgId?: () => string;
  /** Where unsent messages outlast a reload, under `key` (one per timite); in memory only when absent. */
  persistence?: { store: KeyValueStore; key: string };
  /** Time a send has to be answered before it shows as not sent, in ms. @default 15000 */
  sendTimeoutMs?: number;
  /** @default the global setTimeout and clearTimeout */
  timers?: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;
}

const RETRY_IS_SAFE = 'Retry to send it; it is never posted twice.';

/**
 * The reader's messages on their way to the server: each shows at once as pending in the
 * `Outbox`, goes out over HTTP, and leaves the outbox when the server confirms it; a failed
 * attempt stays, in words, until the reader retries or discards it.
 *
 * A send not answered within `sendTimeoutMs` (a frozen server, a half-open connection) shows
 * as failed, so the reader is not left with "sending…". The request itself goes on: if its
 * answer comes after all, the message is confirmed; a failure it reports late is dropped when
 * the reader has retried since.
 */
export class MessageSender {
  readonly #client: Pick<ChatClient, 'sendMessage'>;
  readonly #signals: Pick<ChatSignals, 'changed'>;
  readonly #onStored: (update: Update) => void;
  readonly #newClientMsgId: () => string;
  readonly #outbox: Outbox;
  readonly #sendTimeoutMs: number;
  readonly #timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;
  /** The newest attempt per `clientMsgId`; an older one's failure is out of date. */
  readonly #attempts = new Map<string, number>();
  #attemptCount = 0;

  constructor(options: MessageSenderOptions) {
    this.#client = options.client;
    this.#signals = options.signals;
    this.#onStored = options.onStored;
    this.#newClientMsgId = options.newClientMsgId ?? (() => crypto.randomUUID());
    this.#outbox = new Outbox(options.persistence);
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
    this.#timers = options.timers ?? globalThis;
  }

  /** Puts a message (a reply to `replyTo` when given) in the outbox as pending; `attempt` sends it. */
  queue(spaceId: SpaceId, content: string, replyTo?: number): OutboxItem {
    const clientMsgId = this.#newClientMsgId();
    return this.#outbox.add({ clientMsgId, spaceId, content, ...(replyTo === undefined ? {} : { replyTo }) });
  }

  /** Sends a queued message once; the outcome shows in the outbox. */
  async attempt(item: OutboxItem): Promise<void> {
    const attempt = ++this.#attemptCount;
    this.#attempts.set(item.clientMsgId, attempt);
    const sending = this.#client.sendMessage(item.spaceId, item.content, {
      clientMsgId: item.clientMsgId,
      ...(item.replyTo === undefined ? {} : { replyTo: item.replyTo }),
    });
    if (!(await this.#answeredInTime(sending))) {
      const seconds = Math.round(this.#sendTimeoutMs / 1000);
      this.#failLatest(item.clientMsgId, attempt, `The server did not answer within ${seconds} s. ${RETRY_IS_SAFE}`);
      this.#signals.changed();
    }
    try {
      this.#stored(item, await sending);
    } catch (error) {
      this.#failLatest(item.clientMsgId, attempt, describeError(error));
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

  /** Confirms the outbox messages found among messages read from the server. */
  confirmStored(entries: readonly { message: Message }[]): void {
    let changed = false;
    for (const { message } of entries) {
      if (message.clientMsgId !== undefined && this.#outbox.confirm(message.clientMsgId)) changed = true;
    }
    if (changed) this.#signals.changed();
  }

  /** The space's unconfirmed messages in the order they were written. */
  pendingIn(spaceId: SpaceId): OutboxItem[] {
    return this.#outbox.itemsIn(spaceId);
  }

  /** True when `sending` settles (either way) within the timeout, false when the time runs out first. */
  async #answeredInTime(sending: Promise<unknown>): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = this.#timers.setTimeout(() => resolve(false), this.#sendTimeoutMs);
    });
    const settled = sending.then(
      () => true,
      () => true,
    );
    try {
      return await Promise.race([settled, timeout]);
    } finally {
      this.#timers.clearTimeout(timer);
    }
  }

  #stored(item: OutboxItem, result: Awaited<ReturnType<ChatClient['sendMessage']>>): void {
    this.#outbox.confirm(item.clientMsgId);
    this.#attempts.delete(item.clientMsgId);
    this.#onStored({
      id: result.updateId,
      spaceId: item.spaceId,
      at: result.message.createdAt,
      event: { type: 'message', message: result.message },
    });
  }

  #failLatest(clientMsgId: string, attempt: number, failure: string): void {
    if (this.#attempts.get(clientMsgId) === attempt) this.#outbox.fail(clientMsgId, failure);
  }
}
