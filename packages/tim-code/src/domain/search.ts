import { searchTerms, type SearchOrder, type SearchResponse, type SpaceId } from '@tim/protocol';
import { parseSearchCursor } from '../storage/search-cursor';
import type { MessageChangeStorage, Storage } from '../storage/storage';
import { TimError } from './tim-error';

export interface SearchInput {
  q: string;
  /** Only this space; absent: every space the reader may read. */
  spaceId?: SpaceId;
  /** Whose search it is: only the spaces it may read are searched (issue 19). */
  readerId: number;
  order: SearchOrder;
  limit: number;
  cursor?: string;
}

/** Full-text search over the messages that are not deleted; a page of results, newest or best first. */
export async function searchMessages(
  storage: Pick<Storage, 'getSpace'> & Pick<MessageChangeStorage, 'searchMessages'>,
  input: SearchInput,
): Promise<SearchResponse> {
  const terms = searchTerms(input.q);
  if (terms.length === 0) throw new TimError('invalid_request', 'The query "q" has no word to search for.');
  if (parseSearchCursor(input.cursor) === null)
    throw new TimError('invalid_request', 'The "cursor" is not one this server gave.');
  if (input.spaceId !== undefined && (await storage.getSpace(input.spaceId)) === undefined)
    throw new TimError('not_found', `There is no space "${input.spaceId}".`);
  const page = await storage.searchMessages({
    terms,
    spaceIds: input.spaceId === undefined ? undefined : [input.spaceId],
    readerId: input.readerId,
    order: input.order,
    limit: input.limit,
    cursor: input.cursor,
  });
  return page.nextCursor === undefined
    ? { results: page.results }
    : { results: page.results, nextCursor: page.nextCursor };
}
