import type { Space, SpaceId } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import type { KeyValueStore } from './key-value-store';

const LAST_SPACE_KEY = 'tim.space';

export interface SpaceListOptions {
  client: Pick<ChatClient, 'listSpaces' | 'createSpace'>;
  /** Keeps the last opened space across reloads. */
  store: KeyValueStore;
  signals: ChatSignals;
}

/** The spaces the reader can open, and the one they opened last (remembered across reloads). */
export class SpaceList {
  readonly #client: Pick<ChatClient, 'listSpaces' | 'createSpace'>;
  readonly #store: KeyValueStore;
  readonly #signals: ChatSignals;
  #spaces: Space[] = [];

  constructor(options: SpaceListOptions) {
    this.#client = options.client;
    this.#store = options.store;
    this.#signals = options.signals;
  }

  get spaces(): Space[] {
    return this.#spaces;
  }

  /** The space opened last, `main` the first time. */
  get lastOpenedId(): SpaceId {
    return this.#store.getItem(LAST_SPACE_KEY) ?? 'main';
  }

  has(spaceId: SpaceId): boolean {
    return this.#spaces.some((space) => space.id === spaceId);
  }

  noteOpened(spaceId: SpaceId): void {
    this.#store.setItem(LAST_SPACE_KEY, spaceId);
  }

  /** Reads the list again; a failure keeps the list it had and says so. */
  async refresh(): Promise<void> {
    try {
      this.#spaces = await this.#client.listSpaces();
    } catch (error) {
      this.#signals.notice(`Could not load the spaces. ${describeError(error)}`);
    }
    this.#signals.changed();
  }

  /** Creates a space and lists it; a failure is thrown for the form that asked. */
  async create(input: { id: string; name: string }): Promise<Space> {
    const space = await this.#client.createSpace(input);
    this.#spaces = [...this.#spaces.filter((known) => known.id !== space.id), space];
    return space;
  }
}
