import { parseSearchCursor, relevanceOffset, toSearchPage } from '../search-cursor';
import { matchesTerms, wordsOf } from '../search-words';
import type { MessageSearch, SearchPage } from '../storage';
import { currentOf, type StoredMessage } from './memory-timeline';

/**
 * Search by scanning every message: fine for tests, which is all the memory store is for.
 * Relevance is the share of the message's words that a term begins (short, focused messages
 * first), a stand-in for bm25 / ts_rank; ties go newest first like theirs.
 */
export function searchMemoryMessages(messages: Iterable<StoredMessage>, search: MessageSearch): SearchPage {
  const position = parseSearchCursor(search.cursor);
  if (position === null) return { results: [] };
  const spaceIds = search.spaceIds === undefined ? undefined : new Set(search.spaceIds);
  const hits: Array<{ stored: StoredMessage; score: number }> = [];
  for (const stored of messages) {
    const { message } = stored;
    if (message.deletedAt !== undefined || (spaceIds !== undefined && !spaceIds.has(message.spaceId))) continue;
    const words = wordsOf(message.content);
    if (!matchesTerms(words, search.terms)) continue;
    const matching = words.filter((word) => search.terms.some((term) => word.startsWith(term))).length;
    hits.push({ stored, score: matching / words.length });
  }
  const byIdDescending = (a: StoredMessage, b: StoredMessage): number => b.message.id - a.message.id;
  let page: StoredMessage[];
  if (search.order === 'newest') {
    page = hits
      .map((hit) => hit.stored)
      .filter((stored) => position === undefined || stored.message.id < position)
      .sort(byIdDescending)
      .slice(0, search.limit);
  } else {
    const offset = relevanceOffset(search) ?? 0;
    page = hits
      .sort((a, b) => b.score - a.score || byIdDescending(a.stored, b.stored))
      .slice(offset, offset + search.limit)
      .map((hit) => hit.stored);
  }
  return toSearchPage(search, page.map(currentOf));
}
