import { parseSearchCursor, toSearchPage } from '../search-cursor';
import type { MessageSearch, SearchPage } from '../storage';
import { SELECT_MESSAGE } from './message-sql';
import type { Queries } from './queries';
import { MessageRow, toCurrentMessage } from './rows';

/*
 * Full-text search over the GIN index messages_by_words (migration step 5). The WHERE clause
 * repeats the index's expression (WORDS) so the planner can use it. 'simple' lower-cases words
 * and knows no stop words or stems, and punctuation is a space before it parses, so that hosts,
 * addresses and version numbers split into words as searchTerms splits them: a term matches
 * the words it begins, on every backend alike.
 */
const WORDS = `to_tsvector('simple', regexp_replace(m.content, '[[:punct:]]+', ' ', 'g'))`;

/** A term as searchTerms makes it: letters and digits only, none of to_tsquery's operators. */
const SEARCH_TERM = /^[\p{L}\p{N}]+$/u;

/**
 * The to_tsquery text for "every term begins a word": `a:* & b:*`. It is passed as a bound
 * parameter; the terms are checked so that none can add an operator of its own.
 */
export function prefixQuery(terms: string[]): string {
  for (const term of terms) {
    if (!SEARCH_TERM.test(term)) throw new Error(`Not a search term: ${JSON.stringify(term)}`);
  }
  return terms.map((term) => `${term}:*`).join(' & ');
}

/**
 * The statement for one page: $1 the tsquery text, $2 the space ids (NULL: every space), $3
 * the limit, $4 the parsed cursor (see search-cursor.ts; NULL on the first page), $5 the
 * reader (NULL: no filter; else only public spaces and those it is a member of). Exported
 * for the test that checks the plan.
 */
export function searchStatement(search: MessageSearch, cursor?: number): { text: string; values: unknown[] } {
  const values = [
    prefixQuery(search.terms),
    search.spaceIds ?? null,
    search.limit,
    cursor ?? null,
    search.readerId ?? null,
  ];
  const matching = `
    ${WORDS} @@ to_tsquery('simple', $1)
    AND m.deleted_at IS NULL
    AND ($2::text[] IS NULL OR m.space_id = ANY ($2::text[]))
    AND ($5::integer IS NULL OR EXISTS (
      SELECT 1 FROM spaces s WHERE s.id = m.space_id AND (s.visibility = 'public'
        OR EXISTS (SELECT 1 FROM space_members sm WHERE sm.space_id = s.id AND sm.timite_id = $5))))`;
  if (search.order === 'newest') {
    return {
      text: `${SELECT_MESSAGE} WHERE ${matching} AND ($4::bigint IS NULL OR m.id < $4) ORDER BY m.id DESC LIMIT $3`,
      values,
    };
  }
  return {
    text: `${SELECT_MESSAGE} WHERE ${matching}
      ORDER BY ts_rank(${WORDS}, to_tsquery('simple', $1)) DESC, m.id DESC
      LIMIT $3 OFFSET coalesce($4::bigint, 0)`,
    values,
  };
}

export async function searchMessages(db: Queries, search: MessageSearch): Promise<SearchPage> {
  const cursor = parseSearchCursor(search.cursor);
  // No terms match nothing; nothing follows a cursor we never gave.
  if (search.terms.length === 0 || search.spaceIds?.length === 0 || cursor === null) return { results: [] };
  const { text, values } = searchStatement(search, cursor);
  const found = await db.rows(MessageRow, text, values);
  return toSearchPage(search, found.map(toCurrentMessage));
}
