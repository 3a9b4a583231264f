import type { SpaceId } from '@tim/protocol';

export type OutboxStatus = 'pending' | 'failed';

/** A message the server has not confirmed yet. */
export interface OutboxItem {
  clientMsgId: string;
  spaceId: SpaceId;
  content: string;
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
 */
export class Outbox {
  #items = new Map<string, OutboxItem>();

  add(item: { clientMsgId: string; spaceId: SpaceId; content: string }): OutboxItem {
    const added: OutboxItem = { ...item, status: 'pending' };
    this.#items.set(item.clientMsgId, added);
    return added;
  }

  /** Marks the message sent; returns false when it was already confirmed. */
  confirm(clientMsgId: string): boolean {
    return this.#items.delete(clientMsgId);
  }

  /** Records a failed attempt; returns false when the message was confirmed meanwhile. */
  fail(clientMsgId: string, failure: string): boolean {
    const item = this.#items.get(clientMsgId);
    if (item === undefined) return false;
    this.#items.set(clientMsgId, { ...item, status: 'failed', failure });
    return true;
  }

  /** Puts a failed message back to pending for another attempt with the same `clientMsgId`. */
  retry(clientMsgId: string): OutboxItem | undefined {
    const item = this.#items.get(clientMsgId);
    if (item === undefined || item.status !== 'failed') return undefined;
    const retried: OutboxItem = { clientMsgId, spaceId: item.spaceId, content: item.content, status: 'pending' };
    this.#items.set(clientMsgId, retried);
    return retried;
  }

  /** Drops a failed message the person chose not to send. */
  discard(clientMsgId: string): boolean {
    return this.#items.delete(clientMsgId);
  }

  get(clientMsgId: string): OutboxItem | undefined {
    return this.#items.get(clientMsgId);
  }

  /** The space's unconfirmed messages in the order they were written. */
  itemsIn(spaceId: SpaceId): OutboxItem[] {
    return [...this.#items.values()].filter((item) => item.spaceId === spaceId);
  }
}
