import type { Space, SpaceId, SpaceListing, SpaceVisibility } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import type { KeyValueStore } from './key-value-store';
import { lookUpPublicSpace } from './public-space';
import type { UnreadCounts } from './unread';

const LAST_SPACE_KEY = 'tim.space';

type SpaceListClient = Pick<ChatClient, 'listSpaces' | 'createSpace' | 'openDm' | 'joinSpace'>;

export interface SpaceListOptions {
  client: SpaceListClient;
  /** Keeps the last opened space across reloads. */
  store: KeyValueStore;
  signals: ChatSignals;
  /** Takes the unread counts each listed page tells. */
  unread?: UnreadCounts;
}

/**
 * The reader's own spaces (those they are a member of, direct messages included), listed page by
 * page; the public space they look at from outside, if any ("previewing", until they join it);
 * and the space they opened last (remembered across reloads).
 */
export class SpaceList {
  readonly #client: SpaceListClient;
  readonly #store: KeyValueStore;
  readonly #signals: ChatSignals;
  readonly #unread: UnreadCounts | undefined;
  #spaces: Space[] = [];
  /** Where the next page starts; undefined when every space is listed. */
  #nextCursor: string | undefined;
  #loadingMore = false;
  #previewing: Space | undefined;
  /** Bumped for every space opened, so a look-up for a space left meanwhile lands nowhere. */
  #openings = 0;

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

  /** The open space when the reader is not a member of it: a public space they may join. */
  get previewing(): Space | undefined {
    return this.#previewing;
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

  /** A listed space's name, or the previewed one's; the id for a space not known here. */
  nameOf(spaceId: SpaceId): string {
    const known = this.#spaces.find((space) => space.id === spaceId) ?? this.#previewing;
    return known?.id === spaceId ? known.name : spaceId;
  }

  /**
   * The reader opens `spaceId`: one of their own, or a public space they are not a member of,
   * which is then previewed. `listing` is what a listing told of the space (its `role` says the
   * reader is a member); without it, a space not listed here is looked up among the public ones.
   * A space not found there (private, or beyond the look-up's page) is taken to be the reader's own.
   */
  async noteOpening(spaceId: SpaceId, listing?: SpaceListing): Promise<void> {
    const opening = ++this.#openings;
    if (this.#previewing?.id === spaceId) return;
    this.#setPreviewing(undefined);
    if (this.has(spaceId)) return;
    const found = listing?.id === spaceId ? listing : await lookUpPublicSpace(this.#client, spaceId);
    if (opening !== this.#openings) return;
    this.#setPreviewing(found === undefined || found.role !== undefined ? undefined : spaceOf(found));
  }

  /**
   * Joins a public space (joining twice is harmless) and lists it: where it was, or at the end.
   * A failure is thrown for the one who asked.
   */
  async join(space: Space): Promise<void> {
    await this.#client.joinSpace(space.id);
    if (this.#previewing?.id === space.id) this.#previewing = undefined;
    this.#list(spaceOf(space));
    this.#signals.changed();
  }

  /**
   * Reads the list again from the first page, as many pages as were listed before; a failure
   * keeps the list it had and says so.
   */
  async refresh(): Promise<void> {
    try {
      const listedBefore = this.#spaces.length;
      const first = await this.#client.listSpaces({ scope: 'mine' });
      let spaces = first.spaces;
      let nextCursor = first.nextCursor;
      while (nextCursor !== undefined && spaces.length < listedBefore) {
        const page = await this.#client.listSpaces({ scope: 'mine', after: nextCursor });
        spaces = withoutRepeats([...spaces, ...page.spaces]);
        nextCursor = page.nextCursor;
      }
      this.#unread?.setListed(spaces, { restart: true });
      this.#spaces = spaces.map(spaceOf);
      if (this.#previewing !== undefined && this.has(this.#previewing.id)) this.#previewing = undefined;
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
      const page = await this.#client.listSpaces({ scope: 'mine', after });
      this.#unread?.setListed(page.spaces);
      this.#spaces = withoutRepeats([...this.#spaces, ...page.spaces.map(spaceOf)]);
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
    if (this.#previewing?.id === spaceId) this.#previewing = undefined;
    if (!this.has(spaceId)) return false;
    this.#unread?.removeListed(spaceId);
    this.#spaces = this.#spaces.filter((space) => space.id !== spaceId);
    if (this.lastOpenedId === spaceId) this.#store.setItem(LAST_SPACE_KEY, 'main');
    return true;
  }

  #setPreviewing(space: Space | undefined): void {
    if (space?.id === this.#previewing?.id) return;
    this.#previewing = space;
    this.#signals.changed();
  }

  /** Lists a space once: where it was, or at the end when new. */
  #list(space: Space): void {
    this.#unread?.addListed(space.id);
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

/**
 * A listed space without its unread counts, which `UnreadCounts` keeps up to date from here on,
 * and without the reader's role, which only tells that they are a member.
 */
function spaceOf({ unread: _unread, role: _role, ...space }: SpaceListing): Space {
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
