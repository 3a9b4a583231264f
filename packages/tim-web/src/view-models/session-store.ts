import type { KeyValueStore } from './key-value-store';

const SESSION_KEY = 'tim.session';

/** The session key kept across reloads; logout clears it. */
export class SessionStore {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  load(): string | undefined {
    return this.#store.getItem(SESSION_KEY) ?? undefined;
  }

  save(key: string): void {
    this.#store.setItem(SESSION_KEY, key);
  }

  clear(): void {
    this.#store.removeItem(SESSION_KEY);
  }
}
