import type { SpaceId } from '@tim/protocol';
import type { KeyValueStore } from './key-value-store';

const DRAFT_PREFIX = 'tim.draft.';

/**
 * Unsent text per space. Drafts live in memory and in the store, so they outlast a reconnect
 * (nothing is rebuilt) and a reload (the store is read back).
 */
export class Drafts {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  get(spaceId: SpaceId): string {
    return this.#store.getItem(DRAFT_PREFIX + spaceId) ?? '';
  }

  set(spaceId: SpaceId, text: string): void {
    if (text.length === 0) this.#store.removeItem(DRAFT_PREFIX + spaceId);
    else this.#store.setItem(DRAFT_PREFIX + spaceId, text);
  }
}
