import { parseSearchCursor, relevanceOffset, toSearchPage } from '../search-cursor';
import type { MessageSearch, SearchPage } from '../storage';
import { toCurrentMessage } from './rows';
import type { Statements } from './statements';

/** A term as searchTerms makes it: letters and digits only. */
const SEARCH_TERM = /^[\p{L}\p{N}]+$/u;

/**
 * The FTS5 query for "every term begins a word": `"a"* AND "b"*`. Each term is a quoted
 * string, so nothing in it is read as FTS5 syntax; the check keeps out anything searchTerms
 * would not have made.
 */
export function prefixQuery(terms: string[]): string {
  for (const term of terms) {
    if (!SEARCH_TERM.test(term)) throw new Error(`Not a search term: ${JSON.stringify(term)}`);
  }
  return terms.map((term) => `"${term}"*`).join(' AND ');
}

/** Past every message id: the first page of 'newest'. */
const NO_CURSOR = Number.MAX_SAFE_INTEGER;

export function searchMessages(sql: Statements, search: MessageSearch): SearchPage {
  if (search.terms.length === 0 || search.spaceIds?.length === 0) return { results: [] };
  const params = {
    match: prefixQuery(search.terms),
    spaceIds: search.spaceIds === undefined ? null : JSON.stringify(search.spaceIds),
    readerId: search.readerId ?? null,
    limit: search.limit,
  };
  if (search.order === 'newest') {
    const before = parseSearchCursor(search.cursor);
    // null: not a cursor of ours, and nothing follows a cursor we never gave.
    if (before === null) return { results: [] };
    const rows = sql.searchNewest.all({ ...params, before: before ?? NO_CURSOR });
    return toSearchPage(search, rows.map(toCurrentMessage));
  }
  const offset = relevanceOffset(search);
  if (offset === null) return { results: [] };
  return toSearchPage(search, sql.searchRelevance.all({ ...params, offset }).map(toCurrentMessage));
}
