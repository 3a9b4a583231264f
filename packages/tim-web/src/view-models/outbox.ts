import type { SpaceId } from '@tim/protocol';
import type { KeyValueStore } from './key-value-store';

export type OutboxStatus = 'pending' | 'failed';

/** A message the server has not confirmed yet. */
export interface OutboxItem {
  clientMsgId: string;
  spaceId: SpaceId;
  content: string;
  /** The message it answers, when it is a reply. */
  replyTo?: number;
  status: OutboxStatus;
  /** Why the last attempt failed, in words for a person. */
  failure?: string;
}

/**
 * Messages on their way to the server, keyed by `clientMsgId`.
 *
 * An item shows at once as pending and leaves the outbox when the server confirms it, by the
 * HTTP answer or by the update frame carrying the same `clientMsgId`, whichever comes first;
 * the later confirmation finds nothing and changes nothing. A failed attempt keeps the item
 * with its reason until a retry, which reuses the same `clientMsgId` so the server can never
 * store it twice. A failure reported after a confirmation is ignored: the message got through.
 *
 * Given a store, the outbox is written to it on every change and read back on creation, so
 * unsent messages outlast a reload. A message still pending when the page went away may or
 * may not have arrived: it comes back as failed, and its retry (same `clientMsgId`) is
 * answered with the original if it did.
 */
export class Outbox {
  #items = new Map<string, OutboxItem>();
  readonly #persist: (() => void) | undefined;

  /** `store` and `key` (one per timite, as the store is shared by whoever signs in): where the outbox is kept. */
  constructor(persistence?: { store: KeyValueStore; key: string }) {
    if (persistence === undefined) return;
    const { store, key } = persistence;
    for (const item of readItems(store.getItem(key))) {
      this.#items.set(
        item.clientMsgId,
        item.status === 'pending' ? { ...item, status: 'failed', failure: INTERRUPTED } : item,
      );
    }
    this.#persist = () => {
      if (this.#items.size === 0) store.removeItem(key);
      else store.setItem(key, JSON.stringify([...this.#items.values()]));
    };
  }

  add(item: { clientMsgId: string; spaceId: SpaceId; content: string; replyTo?: number }): OutboxItem {
    const added: OutboxItem = { ...item, status: 'pending' };
    this.#items.set(item.clientMsgId, added);
    this.#persist?.();
    return added;
  }

  /** Marks the message sent; returns false when it was already confirmed. */
  confirm(clientMsgId: string): boolean {
    return this.#changed(this.#items.delete(clientMsgId));
  }

  /** Records a failed attempt; returns false when the message was confirmed meanwhile. */
  fail(clientMsgId: string, failure: string): boolean {
    const item = this.#items.get(clientMsgId);
    if (item === undefined) return false;
    this.#items.set(clientMsgId, { ...item, status: 'failed', failure });
    return this.#changed(true);
  }

  /** Puts a failed message back to pending for another attempt with the same `clientMsgId`. */
  retry(clientMsgId: string): OutboxItem | undefined {
    const item = this.#items.get(clientMsgId);
    if (item === undefined || item.status !== 'failed') return undefined;
    const { failure: _failure, ...rest } = item;
    const retried: OutboxItem = { ...rest, status: 'pending' };
    this.#items.set(clientMsgId, retried);
    this.#changed(true);
    return retried;
  }

  /** Drops a failed message the person chose not to send. */
  discard(clientMsgId: string): boolean {
    return this.#changed(this.#items.delete(clientMsgId));
  }

  get(clientMsgId: string): OutboxItem | undefined {
    return this.#items.get(clientMsgId);
  }

  /** The space's unconfirmed messages in the order they were written. */
  itemsIn(spaceId: SpaceId): OutboxItem[] {
    return [...this.#items.values()].filter((item) => item.spaceId === spaceId);
  }

  #changed(changed: boolean): boolean {
    if (changed) this.#persist?.();
    return changed;
  }
}

const INTERRUPTED = 'The page closed before the server answered. Retry to send it; it is never posted twice.';

/** What the store holds, kept only where it has the shape of an outbox item (another version may have written it). */
function readItems(text: string | null): OutboxItem[] {
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isOutboxItem);
}

function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.clientMsgId === 'string' &&
    typeof item.spaceId === 'string' &&
    typeof item.content === 'string' &&
    (item.replyTo === undefined || typeof item.replyTo === 'number') &&
    (item.status === 'pending' || item.status === 'failed') &&
    (item.failure === undefined || typeof item.failure === 'string')
  );
}
