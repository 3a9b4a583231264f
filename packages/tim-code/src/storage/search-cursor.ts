import type { CurrentMessage, MessageSearch, SearchPage } from './storage';

/*
 * Search cursors, shared by every backend. A cursor is opaque to clients but plain inside:
 * for order 'newest' the id of the last message of the previous page (the next page has
 * smaller ids); for 'relevance' how many results came before the next page (an offset).
 */

const CURSOR = /^\d{1,15}$/;

/**
 * Where the page starts: undefined on the first page (no cursor), null for a string that is
 * not a cursor of ours (answer an empty page: nothing follows a cursor we never gave).
 */
export function parseSearchCursor(cursor: string | undefined): number | undefined | null {
  if (cursor === undefined) return undefined;
  return CURSOR.test(cursor) ? Number(cursor) : null;
}

/** How many results come before this page in relevance order: the cursor's offset, 0 on the first page. */
export function relevanceOffset(search: MessageSearch): number | null {
  const position = parseSearchCursor(search.cursor);
  return position === undefined ? 0 : position;
}

/** The page for these results, with a nextCursor when the page is full (more may follow). */
export function toSearchPage(search: MessageSearch, results: CurrentMessage[]): SearchPage {
  const last = results.at(-1);
  if (last === undefined || results.length < search.limit) return { results };
  if (search.order === 'newest') return { results, nextCursor: String(last.message.id) };
  return { results, nextCursor: String((relevanceOffset(search) ?? 0) + results.length) };
}
