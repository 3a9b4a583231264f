import type { Space, SpaceId, SpaceListing, SpaceVisibility } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import type { KeyValueStore } from './key-value-store';
import type { UnreadCounts } from './unread';

const LAST_SPACE_KEY = 'tim.space';

export interface SpaceListOptions {
  client: Pick<ChatClient, 'listSpaces' | 'createSpace' | 'openDm'>;
  /** Keeps the last opened space across reloads. */
  store: KeyValueStore;
  signals: ChatSignals;
  /** Takes the unread counts each listed page tells. */
  unread?: UnreadCounts;
}

/** The spaces the reader can open, and the one they opened last (remembered across reloads). */
export class SpaceList {
  readonly #client: Pick<ChatClient, 'listSpaces' | 'createSpace' | 'openDm'>;
  readonly #store: KeyValueStore;
  readonly #signals: ChatSignals;
  readonly #unread: UnreadCounts | undefined;
  #spaces: Space[] = [];
  /** Where the next page starts; undefined when every space is listed. */
  #nextCursor: string | undefined;
  #loadingMore = false;

  constructor(options: SpaceListOptions) {
    this.#client = options.client;
    this.#store = options.store;
    this.#signals = options.signals;
    this.#unread = options.unread;
  }

  get spaces(): Space[] {
    return this.#spaces;
  }

  /** The listed spaces that are not direct messages. */
  get rooms(): Space[] {
    return this.#spaces.filter((space) => !isDm(space));
  }

  /** The listed direct messages. */
  get dms(): Space[] {
    return this.#spaces.filter(isDm);
  }

  /** The server has spaces beyond those listed: `loadMore` reads the next page. */
  get hasMore(): boolean {
    return this.#nextCursor !== undefined;
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

  /**
   * Reads the list again from the first page, as many pages as were listed before; a failure
   * keeps the list it had and says so.
   */
  async refresh(): Promise<void> {
    try {
      const listedBefore = this.#spaces.length;
      const first = await this.#client.listSpaces();
      let spaces = first.spaces;
      let nextCursor = first.nextCursor;
      while (nextCursor !== undefined && spaces.length < listedBefore) {
        const page = await this.#client.listSpaces({ after: nextCursor });
        spaces = withoutRepeats([...spaces, ...page.spaces]);
        nextCursor = page.nextCursor;
      }
      this.#unread?.setListed(spaces);
      this.#spaces = spaces.map(withoutCounts);
      this.#nextCursor = nextCursor;
    } catch (error) {
      this.#signals.notice(`Could not load the spaces. ${describeError(error)}`);
    }
    this.#signals.changed();
  }

  /** Lists the next page of spaces after those listed; one load at a time, a failure says so. */
  async loadMore(): Promise<void> {
    const after = this.#nextCursor;
    if (after === undefined || this.#loadingMore) return;
    this.#loadingMore = true;
    try {
      const page = await this.#client.listSpaces({ after });
      this.#unread?.setListed(page.spaces);
      this.#spaces = withoutRepeats([...this.#spaces, ...page.spaces.map(withoutCounts)]);
      this.#nextCursor = page.nextCursor;
    } catch (error) {
      this.#signals.notice(`Could not load more spaces. ${describeError(error)}`);
    } finally {
      this.#loadingMore = false;
    }
    this.#signals.changed();
  }

  /** Creates a space (public unless said otherwise) and lists it; a failure is thrown for the form that asked. */
  async create(input: { id: string; name: string; visibility?: SpaceVisibility }): Promise<Space> {
    const space = await this.#client.createSpace(input);
    this.#list(space);
    return space;
  }

  /** Opens the direct message with these nicks (the same people give the same space) and lists it; failures throw. */
  async openDm(nicks: string[]): Promise<Space> {
    const { space } = await this.#client.openDm(nicks);
    this.#list(space);
    return space;
  }

  /** Forgets a space the reader may no longer read (removed from it); true when it was listed. */
  remove(spaceId: SpaceId): boolean {
    if (!this.has(spaceId)) return false;
    this.#spaces = this.#spaces.filter((space) => space.id !== spaceId);
    if (this.lastOpenedId === spaceId) this.#store.setItem(LAST_SPACE_KEY, 'main');
    return true;
  }

  /** Lists a space once: where it was, or at the end when new. */
  #list(space: Space): void {
    this.#spaces = this.has(space.id)
      ? this.#spaces.map((known) => (known.id === space.id ? space : known))
      : [...this.#spaces, space];
  }
}

export function isDm(space: Space): boolean {
  return space.kind === 'dm';
}

/** A direct message as the reader names it: the other participants' nicks (the server names it with everyone's). */
export function dmLabel(space: Space, myNick: string): string {
  const others = space.name
    .split(',')
    .map((nick) => nick.trim())
    .filter((nick) => nick.length > 0 && nick.toLowerCase() !== myNick.toLowerCase());
  return others.length === 0 ? space.name : others.join(', ');
}

/** The nicks typed into "New message": separated by commas or spaces, a leading @ dropped, each once. */
export function parseNicks(text: string): string[] {
  const nicks = text
    .split(/[\s,]+/)
    .map((nick) => nick.replace(/^@/, ''))
    .filter((nick) => nick.length > 0);
  return [...new Map(nicks.map((nick) => [nick.toLowerCase(), nick])).values()];
}

/** A listed space without its unread counts, which `UnreadCounts` keeps up to date from here on. */
function withoutCounts({ unread: _unread, ...space }: SpaceListing): Space {
  return space;
}

/** The first of each id: a space created here may come again on a later page. */
function withoutRepeats<T extends Space>(spaces: T[]): T[] {
  const seen = new Set<SpaceId>();
  return spaces.filter((space) => {
    if (seen.has(space.id)) return false;
    seen.add(space.id);
    return true;
  });
}
