import { applyToMessage, messageIdOf, type Message, type SpaceId, type TimClient, type Update } from '@tim/protocol';
import type { ChatSignals } from './chat-ports';

/** What a reply shows of the message it answers. */
export type ReplyQuote =
  | { messageId: number; state: 'loading' }
  /** The original could not be read (gone, or the server did not answer). */
  | { messageId: number; state: 'missing' }
  | {
      messageId: number;
      state: 'shown';
      sender: string;
      /** Its first line, shortened; empty for a deleted message. */
      excerpt: string;
      deleted: boolean;
    };

/** Longest excerpt shown, in code points, before an ellipsis. */
export const EXCERPT_CHARS = 100;

/** The first line with text, shortened to `EXCERPT_CHARS`. */
export function excerptOf(content: string): string {
  const line = content.split('\n').find((candidate) => candidate.trim().length > 0) ?? '';
  const chars = [...line.trim()];
  return chars.length <= EXCERPT_CHARS ? chars.join('') : `${chars.slice(0, EXCERPT_CHARS - 1).join('')}…`;
}

const quotes = new WeakMap<Message, ReplyQuote>();

/** The quote of `message`, the same object for the same message, so an unchanged reply is not drawn again. */
export function quoteOf(message: Message): ReplyQuote {
  let quote = quotes.get(message);
  if (quote === undefined) {
    const deleted = message.deletedAt !== undefined;
    quote = {
      messageId: message.id,
      state: 'shown',
      sender: message.sender.nick,
      excerpt: deleted ? '' : excerptOf(message.content),
      deleted,
    };
    quotes.set(message, quote);
  }
  return quote;
}

export interface ReplyQuotesOptions {
  client: Pick<TimClient, 'getMessage'>;
  signals: Pick<ChatSignals, 'changed'>;
  /** Most originals kept that are not in the window. @default 200 */
  capacity?: number;
}

type Cached = { state: 'loading' | 'missing'; quote: ReplyQuote } | { state: 'read'; message: Message };

/**
 * The messages replies answer. One in the window is quoted from there; an older one is read once
 * with `getMessage` and kept (the newest `capacity` of them), and live changes to it are folded
 * in, so its quote shows edits and deletes as the window's messages do.
 */
export class ReplyQuotes {
  readonly #client: Pick<TimClient, 'getMessage'>;
  readonly #signals: Pick<ChatSignals, 'changed'>;
  readonly #capacity: number;
  /** By space and message id, oldest first (a Map keeps insertion order). */
  readonly #cache = new Map<string, Cached>();

  constructor(options: ReplyQuotesOptions) {
    this.#client = options.client;
    this.#signals = options.signals;
    this.#capacity = options.capacity ?? 200;
  }

  /** The quote of message `messageId` of `spaceId`; `loaded` is that message when the window holds it. */
  quote(spaceId: SpaceId, messageId: number, loaded: Message | undefined): ReplyQuote {
    if (loaded !== undefined) return quoteOf(loaded);
    const key = keyOf(spaceId, messageId);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached.state === 'read' ? quoteOf(cached.message) : cached.quote;
    const loading: Cached = { state: 'loading', quote: { messageId, state: 'loading' } };
    this.#remember(key, loading);
    void this.#read(spaceId, messageId, key);
    return loading.quote;
  }

  /** A live update of `spaceId`: a change to a kept original shows in its quote. */
  apply(update: Update): void {
    const messageId = messageIdOf(update.event);
    if (messageId === undefined) return;
    const key = keyOf(update.spaceId, messageId);
    const cached = this.#cache.get(key);
    if (cached?.state === 'read')
      this.#cache.set(key, { state: 'read', message: applyToMessage(cached.message, update) });
  }

  /** Keeps a message read elsewhere (the window, a search result) for the quotes of replies to it. */
  remember(message: Message): void {
    this.#remember(keyOf(message.spaceId, message.id), { state: 'read', message });
  }

  async #read(spaceId: SpaceId, messageId: number, key: string): Promise<void> {
    let next: Cached;
    try {
      const { message } = await this.#client.getMessage(spaceId, messageId);
      next = { state: 'read', message };
    } catch {
      next = { state: 'missing', quote: { messageId, state: 'missing' } };
    }
    // Dropped meanwhile to make room: nothing shows it any more.
    if (this.#cache.get(key)?.state !== 'loading') return;
    this.#cache.set(key, next);
    this.#signals.changed();
  }

  #remember(key: string, cached: Cached): void {
    this.#cache.delete(key);
    this.#cache.set(key, cached);
    if (this.#cache.size > this.#capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}

function keyOf(spaceId: SpaceId, messageId: number): string {
  return `${spaceId}\n${messageId}`;
}
