import {
  searchTerms,
  type SearchHit,
  type SearchOrder,
  type SearchQuery,
  type SpaceId,
  type TimClient,
  type Timite,
} from '@tim/protocol';
import { describeError } from './error-words';
import { LatestQuery } from './latest-query';

/** A piece of a result's snippet; `hit` marks where a word of the query matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface SearchResult {
  key: string;
  spaceId: SpaceId;
  messageId: number;
  updateId: number;
  sender: Timite;
  createdAt: string;
  snippet: SnippetPart[];
}

export interface SearchState {
  /** The query as typed. */
  query: string;
  order: SearchOrder;
  /** 'idle' before a query with a word in it, 'searching' while the first page is read. */
  status: 'idle' | 'searching' | 'done' | 'failed';
  results: SearchResult[];
  /** The server may have more: `loadMore` reads the next page. */
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last search or page failed, in words. */
  error: string | undefined;
}

export interface SearchModelOptions {
  client: Pick<TimClient, 'search'>;
  /** Called with the new state after every change. */
  onChange: (state: SearchState) => void;
  /** Quiet time after the last keystroke before the query is sent, in ms. @default 300 */
  debounceMs?: number;
  /** Results per page. @default 20 */
  pageSize?: number;
}

const IDLE: SearchState = {
  query: '',
  order: 'newest',
  status: 'idle',
  results: [],
  hasMore: false,
  loadingMore: false,
  error: undefined,
};

/**
 * The search box's state: the query is sent once typing pauses, newest first or best match
 * first, a page at a time ("More results" continues from the server's cursor). An answer to a
 * query the reader has since changed is dropped.
 */
export class SearchModel {
  readonly #client: Pick<TimClient, 'search'>;
  readonly #onChange: (state: SearchState) => void;
  readonly #latest: LatestQuery;
  readonly #pageSize: number;
  #state: SearchState = IDLE;
  /** The request for the page after those listed, and the words they answer: the listed query, not the box's text typed since. */
  #nextPage: { request: SearchQuery; query: string } | undefined;

  constructor(options: SearchModelOptions) {
    this.#client = options.client;
    this.#onChange = options.onChange;
    this.#latest = new LatestQuery({ debounceMs: options.debounceMs ?? 300 });
    this.#pageSize = options.pageSize ?? 20;
  }

  get state(): SearchState {
    return this.#state;
  }

  /** The reader typed: searches once they pause; a query without a word clears the results. */
  setQuery(query: string): void {
    if (query === this.#state.query) return;
    if (searchTerms(query).length === 0) {
      this.#latest.cancel();
      this.#set({ ...IDLE, query, order: this.#state.order });
      return;
    }
    this.#set({ ...this.#state, query });
    this.#latest.debounce(() => void this.#search());
  }

  /** Newest first or best match first; searches again at once. */
  setOrder(order: SearchOrder): void {
    if (order === this.#state.order) return;
    this.#set({ ...this.#state, order });
    if (searchTerms(this.#state.query).length === 0) return;
    void this.#search();
  }

  /** Reads the next page of the results listed (of their query, whatever was typed since). */
  async loadMore(): Promise<void> {
    const next = this.#nextPage;
    if (next === undefined || this.#state.loadingMore || this.#state.status !== 'done') return;
    this.#set({ ...this.#state, loadingMore: true, error: undefined });
    await this.#latest.askMore(() => this.#client.search(next.request), {
      onAnswer: (page) => {
        this.#nextPage = nextPageOf(next, page.nextCursor);
        const seen = new Set(this.#state.results.map((result) => result.key));
        const more = toResults(page.results, next.query).filter((result) => !seen.has(result.key));
        this.#set({
          ...this.#state,
          results: [...this.#state.results, ...more],
          hasMore: page.nextCursor !== undefined,
          loadingMore: false,
        });
      },
      onFailure: (error) =>
        this.#set({
          ...this.#state,
          loadingMore: false,
          error: `Could not load more results. ${describeError(error)}`,
        }),
    });
  }

  /** Empties the box and the results. */
  clear(): void {
    this.#latest.cancel();
    this.#nextPage = undefined;
    this.#set({ ...IDLE, order: this.#state.order });
  }

  dispose(): void {
    this.#latest.cancel();
  }

  #search(): Promise<void> {
    this.#nextPage = undefined;
    this.#set({
      ...this.#state,
      status: 'searching',
      results: [],
      hasMore: false,
      loadingMore: false,
      error: undefined,
    });
    const { query, order } = this.#state;
    const request: SearchQuery = { q: query, order, limit: this.#pageSize };
    return this.#latest.ask(() => this.#client.search(request), {
      onAnswer: (page) => {
        this.#nextPage = nextPageOf({ request, query }, page.nextCursor);
        this.#set({
          ...this.#state,
          status: 'done',
          results: toResults(page.results, query),
          hasMore: page.nextCursor !== undefined,
        });
      },
      onFailure: (error) =>
        this.#set({ ...this.#state, status: 'failed', error: `Search failed. ${describeError(error)}` }),
    });
  }

  #set(state: SearchState): void {
    this.#state = state;
    this.#onChange(state);
  }
}

function nextPageOf(
  listed: { request: SearchQuery; query: string },
  cursor: string | undefined,
): { request: SearchQuery; query: string } | undefined {
  return cursor === undefined ? undefined : { request: { ...listed.request, cursor }, query: listed.query };
}

function toResults(hits: readonly SearchHit[], query: string): SearchResult[] {
  const terms = searchTerms(query);
  return hits.map(({ message, updateId }) => ({
    key: `${message.spaceId}:${message.id}`,
    spaceId: message.spaceId,
    messageId: message.id,
    updateId,
    sender: message.sender,
    createdAt: message.createdAt,
    snippet: snippet(message.content, terms),
  }));
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The part of `content` around the first word the query matched, on one line, at most about
 * `maxChars` long, with every matched word start marked. A word matches a term when it starts
 * with it, ignoring case (the server's rule).
 */
export function snippet(content: string, terms: readonly string[], maxChars = 160): SnippetPart[] {
  const line = content.replace(/\s+/g, ' ').trim();
  const hits = matches(line, terms);
  let start = 0;
  const first = hits[0];
  if (line.length > maxChars && first !== undefined && first.start > maxChars / 3) {
    start = Math.min(first.start - Math.floor(maxChars / 3), line.length - maxChars);
    // Start at a word, not inside one.
    const space = line.indexOf(' ', start);
    if (space !== -1 && space < first.start) start = space + 1;
  }
  const end = Math.min(line.length, start + maxChars);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', hit: false });
  let at = start;
  for (const hit of hits) {
    if (hit.start < start || hit.end > end) continue;
    if (hit.start > at) parts.push({ text: line.slice(at, hit.start), hit: false });
    parts.push({ text: line.slice(hit.start, hit.end), hit: true });
    at = hit.end;
  }
  if (at < end) parts.push({ text: line.slice(at, end), hit: false });
  if (end < line.length) parts.push({ text: '…', hit: false });
  return parts;
}

/** Where words of `line` start with one of `terms`: the matched start, or the whole word when case changes its length. */
function matches(line: string, terms: readonly string[]): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  for (const word of line.matchAll(WORD)) {
    const text = word[0];
    const lower = text.toLowerCase();
    const term = terms
      .filter((candidate) => lower.startsWith(candidate))
      .reduce<string | undefined>(
        (best, candidate) => (best === undefined || candidate.length > best.length ? candidate : best),
        undefined,
      );
    if (term === undefined) continue;
    const length = lower.length === text.length ? term.length : text.length;
    found.push({ start: word.index, end: word.index + length });
  }
  return found;
}
