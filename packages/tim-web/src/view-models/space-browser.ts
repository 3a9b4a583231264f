import type { ListSpacesOptions, Space, SpaceId, SpaceListing, TimClient } from '@tim/protocol';
import { describeError } from './error-words';
import { LatestQuery } from './latest-query';

export interface SpaceBrowserState {
  /** The search box as typed. */
  query: string;
  /** 'loading' while the first page for the query is read. */
  status: 'loading' | 'done' | 'failed';
  /** Public spaces whose id or name contains the query; `role` is there when the reader is a member. */
  spaces: SpaceListing[];
  /** The server has more: `loadMore` reads the next page. */
  hasMore: boolean;
  loadingMore: boolean;
  /** The spaces being joined. */
  joining: ReadonlySet<SpaceId>;
  /** Why the last listing, page or join failed, in words. */
  error: string | undefined;
}

export interface SpaceBrowserOptions {
  client: Pick<TimClient, 'listSpaces'>;
  /** Joins a space and lists it in the sidebar; throws when it failed. */
  join: (space: Space) => Promise<void>;
  /** Called with the new state after every change. */
  onChange: (state: SpaceBrowserState) => void;
  /** Quiet time after the last keystroke before the query is sent, in ms. @default 250 */
  debounceMs?: number;
  /** Spaces per page. @default 50 */
  pageSize?: number;
}

const NOBODY_JOINING: ReadonlySet<SpaceId> = new Set();

/**
 * The "Browse spaces" panel's state: the public spaces, all of them or those whose id or name
 * contains the query (sent once typing pauses), a page at a time. An answer to a query the
 * reader has changed since is dropped, so a late answer never replaces a newer one.
 */
export class SpaceBrowser {
  readonly #client: Pick<TimClient, 'listSpaces'>;
  readonly #join: (space: Space) => Promise<void>;
  readonly #onChange: (state: SpaceBrowserState) => void;
  readonly #latest: LatestQuery;
  readonly #pageSize: number;
  #state: SpaceBrowserState = {
    query: '',
    status: 'loading',
    spaces: [],
    hasMore: false,
    loadingMore: false,
    joining: NOBODY_JOINING,
    error: undefined,
  };
  /** The request for the page after those listed: the listed spaces' query, not the box's text typed since. */
  #nextPage: ListSpacesOptions | undefined;

  constructor(options: SpaceBrowserOptions) {
    this.#client = options.client;
    this.#join = options.join;
    this.#onChange = options.onChange;
    this.#latest = new LatestQuery({ debounceMs: options.debounceMs ?? 250 });
    this.#pageSize = options.pageSize ?? 50;
  }

  get state(): SpaceBrowserState {
    return this.#state;
  }

  /** Lists every public space at once (the panel opened). */
  start(): Promise<void> {
    return this.#list();
  }

  /** The reader typed: lists again once they pause; spaces around the words alone change nothing. */
  setQuery(query: string): void {
    const before = this.#state.query.trim();
    if (query.trim() === before) {
      this.#set({ ...this.#state, query });
      return;
    }
    this.#set({ ...this.#state, query, loadingMore: false });
    this.#latest.debounce(() => void this.#list());
  }

  /** Reads the next page for the query the listed spaces answer. */
  async loadMore(): Promise<void> {
    const request = this.#nextPage;
    if (request === undefined || this.#state.loadingMore || this.#state.status !== 'done') return;
    this.#set({ ...this.#state, loadingMore: true, error: undefined });
    await this.#latest.askMore(() => this.#client.listSpaces(request), {
      onAnswer: (page) => {
        this.#nextPage = nextPageOf(request, page.nextCursor);
        const seen = new Set(this.#state.spaces.map((space) => space.id));
        this.#set({
          ...this.#state,
          spaces: [...this.#state.spaces, ...page.spaces.filter((space) => !seen.has(space.id))],
          hasMore: page.nextCursor !== undefined,
          loadingMore: false,
        });
      },
      onFailure: (error) =>
        this.#set({ ...this.#state, loadingMore: false, error: `Could not load more spaces. ${describeError(error)}` }),
    });
  }

  /** Joins a listed space the reader is not a member of; it shows as joined from then on. */
  async join(spaceId: SpaceId): Promise<void> {
    const space = this.#state.spaces.find((listed) => listed.id === spaceId);
    if (space === undefined || space.role !== undefined || this.#state.joining.has(spaceId)) return;
    this.#set({ ...this.#state, joining: new Set([...this.#state.joining, spaceId]), error: undefined });
    let error: string | undefined;
    try {
      await this.#join(space);
    } catch (failure) {
      error = `Could not join #${space.name}. ${describeError(failure)}`;
    }
    const joining = new Set(this.#state.joining);
    joining.delete(spaceId);
    const spaces =
      error === undefined
        ? this.#state.spaces.map((listed): SpaceListing =>
            listed.id === spaceId ? { ...listed, role: 'member' } : listed,
          )
        : this.#state.spaces;
    this.#set({ ...this.#state, spaces, joining, error });
  }

  dispose(): void {
    this.#latest.cancel();
  }

  #list(): Promise<void> {
    this.#nextPage = undefined;
    this.#set({ ...this.#state, status: 'loading', spaces: [], hasMore: false, loadingMore: false, error: undefined });
    const q = this.#state.query.trim();
    const request: ListSpacesOptions = { scope: 'public', limit: this.#pageSize, ...(q.length === 0 ? {} : { q }) };
    return this.#latest.ask(() => this.#client.listSpaces(request), {
      onAnswer: (page) => {
        this.#nextPage = nextPageOf(request, page.nextCursor);
        this.#set({ ...this.#state, status: 'done', spaces: page.spaces, hasMore: page.nextCursor !== undefined });
      },
      onFailure: (error) =>
        this.#set({ ...this.#state, status: 'failed', error: `Could not list the spaces. ${describeError(error)}` }),
    });
  }

  #set(state: SpaceBrowserState): void {
    this.#state = state;
    this.#onChange(state);
  }
}

function nextPageOf(request: ListSpacesOptions, after: string | undefined): ListSpacesOptions | undefined {
  return after === undefined ? undefined : { ...request, after };
}
