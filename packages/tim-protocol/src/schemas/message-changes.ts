import { z } from 'zod';
import { Message, MessageId, ReactionEmoji, SpaceId, UpdateCursor, UpdateId } from './entities';
import { DEFAULT_LIMITS } from './limits';
import { createMessageContent } from './http';

/*
 * Extensions of v1 for messages people work with: read one message, edit, delete, react,
 * read markers and search. See docs/protocol.md §8.
 */

/** Path parameters naming one message: `/spaces/:spaceId/messages/:messageId`. */
export const MessagePathParams = z.strictObject({
  spaceId: SpaceId,
  messageId: z.coerce.number().pipe(MessageId),
});
export type MessagePathParams = z.infer<typeof MessagePathParams>;

/** `GET /spaces/:spaceId/messages/:messageId`: the message as it is now, and its update id. */
export const MessageResponse = z.object({
  message: Message,
  updateId: UpdateId,
});
export type MessageResponse = z.infer<typeof MessageResponse>;

/** `PATCH /spaces/:spaceId/messages/:messageId` for a server whose content limit is `maxContentChars`. */
export function createEditMessageRequest(maxContentChars: number) {
  return z.strictObject({ content: createMessageContent(maxContentChars) });
}
export const EditMessageRequest = createEditMessageRequest(DEFAULT_LIMITS.messageChars);
export type EditMessageRequest = z.infer<typeof EditMessageRequest>;

/**
 * The answer to an edit, a delete or a reaction: the message as it is now, and the update
 * that changed it. `updateId` is absent when nothing changed (adding a reaction that was
 * there); a delete of a tombstone answers the update that deleted it.
 */
export const MessageChangeResponse = z.object({
  message: Message,
  updateId: UpdateId.optional(),
});
export type MessageChangeResponse = z.infer<typeof MessageChangeResponse>;

/** Path parameters of `PUT` and `DELETE /spaces/:spaceId/messages/:messageId/reactions/:emoji`. */
export const ReactionPathParams = MessagePathParams.extend({ emoji: ReactionEmoji });
export type ReactionPathParams = z.infer<typeof ReactionPathParams>;

/** `PUT /spaces/:spaceId/read`: moves the caller's read marker forward (never back). */
export const ReadMarkerRequest = z.strictObject({ updateId: UpdateCursor });
export type ReadMarkerRequest = z.infer<typeof ReadMarkerRequest>;

/** The marker after the move: the larger of the old one and the request, at most the head. */
export const ReadMarkerResponse = z.object({ spaceId: SpaceId, readUpTo: UpdateCursor });
export type ReadMarkerResponse = z.infer<typeof ReadMarkerResponse>;

/** Unread counts stop here: this value means "at least this many". */
export const UNREAD_COUNT_CAP = 1000;

export const SEARCH_QUERY_MAX_CHARS = 200;
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 50;

export const SearchOrder = z.enum(['newest', 'relevance']);
export type SearchOrder = z.infer<typeof SearchOrder>;

/**
 * `GET /search`: messages whose words start with every word of `q` (case-insensitive), in
 * the spaces the caller may read, or only in `spaceId`. Deleted messages are never found.
 */
export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(SEARCH_QUERY_MAX_CHARS),
  spaceId: SpaceId.optional(),
  order: SearchOrder.default('newest'),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(SEARCH_PAGE_DEFAULT),
  /** Opaque: the previous page's `nextCursor`. */
  cursor: z.string().min(1).max(200).optional(),
});
export type SearchQuery = z.input<typeof SearchQuery>;

export const SearchHit = z.object({ message: Message, updateId: UpdateId });
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({
  results: z.array(SearchHit),
  nextCursor: z.string().optional(),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

/** Words of a search query as every backend matches them: letters and digits, lower case. */
export function searchTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}
