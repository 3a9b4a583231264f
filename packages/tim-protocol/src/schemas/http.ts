import { z } from 'zod';
import {
  ClientMsgId,
  Message,
  MessageId,
  Nick,
  Session,
  Space,
  SpaceId,
  SpaceListing,
  SpaceName,
  Timite,
  Update,
  UpdateCursor,
  UpdateId,
} from './entities';
import { InviteCode, SpaceVisibility, SpacesScope } from './access';
import { DEFAULT_LIMITS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, codePointLength } from './limits';

/** Path prefix of every API call. */
export const API_PREFIX = '/api/v1';
/** Path of the WebSocket endpoint. */
export const WS_PATH = `${API_PREFIX}/ws`;

export const Password = z.string().min(PASSWORD_MIN_CHARS).max(PASSWORD_MAX_CHARS);

export const RegisterRequest = z.strictObject({
  nick: Nick,
  password: Password,
  /** Extension (issue 19): required when the server's registration policy is 'invite'. */
  inviteCode: InviteCode.optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.strictObject({
  nick: Nick,
  password: z.string().min(1).max(PASSWORD_MAX_CHARS),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const AuthResponse = z.object({
  session: Session,
  timite: Timite,
});
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.object({ timite: Timite });
export type MeResponse = z.infer<typeof MeResponse>;

/** Spaces per page of `GET /spaces` when the query names no `limit`. */
export const SPACES_PAGE_DEFAULT = 100;
/** The largest `limit` of `GET /spaces`. */
export const SPACES_PAGE_MAX = 500;

/** Where a page of spaces starts: opaque to clients, copied from the previous page's `nextCursor`. */
export const SpacesCursor = z.string().min(1).max(200);

/** Query of `GET /spaces` (an extension of v1): spaces in creation order, from after `after`. */
export const SpacesQuery = z.strictObject({
  after: SpacesCursor.optional(),
  limit: z.coerce.number().int().min(1).max(SPACES_PAGE_MAX).default(SPACES_PAGE_DEFAULT),
  /** Extension (issue 19): only the caller's spaces (DMs included), or public ones to browse. */
  scope: SpacesScope.optional(),
  /** With `scope=public`: spaces whose id or name contains this text (case ignored). */
  q: z.string().trim().min(1).max(100).optional(),
});
export type SpacesQuery = z.input<typeof SpacesQuery>;

/** One page of spaces; `nextCursor` (an extension of v1) is there only when more remain. */
export const SpacesResponse = z.object({ spaces: z.array(SpaceListing), nextCursor: SpacesCursor.optional() });
export type SpacesResponse = z.infer<typeof SpacesResponse>;

export const CreateSpaceRequest = z.strictObject({
  id: SpaceId,
  name: SpaceName,
  /** Extension (issue 19). @default 'public' */
  visibility: SpaceVisibility.optional(),
});
export type CreateSpaceRequest = z.infer<typeof CreateSpaceRequest>;

export const SpaceResponse = z.object({ space: Space });
export type SpaceResponse = z.infer<typeof SpaceResponse>;

/** Message content as stored: trimmed, 1–`maxChars` code points. */
export function createMessageContent(maxChars: number) {
  return z
    .string()
    .trim()
    .min(1, { error: 'A message cannot be empty.' })
    .refine((content) => codePointLength(content) <= maxChars, {
      error: `A message is at most ${maxChars} characters.`,
    });
}

/** Content within the protocol's default limit, which clients check before sending. */
export const MessageContent = createMessageContent(DEFAULT_LIMITS.messageChars);

/**
 * A send body for a server whose content limit is `maxContentChars` (`TIM_MAX_CONTENT_CHARS`);
 * servers check with their own, clients with the default below.
 */
export function createSendMessageRequest(maxContentChars: number) {
  return z.strictObject({
    content: createMessageContent(maxContentChars),
    clientMsgId: ClientMsgId.optional(),
    /** Extension: the id of an earlier message of the same space that this one answers. */
    replyTo: MessageId.optional(),
  });
}

export const SendMessageRequest = createSendMessageRequest(DEFAULT_LIMITS.messageChars);
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;
/** The schema of a send body, for whichever content limit `createSendMessageRequest` was given. */
export type SendMessageRequestSchema = typeof SendMessageRequest;

export const SendMessageResponse = z.object({
  message: Message,
  updateId: UpdateId,
});
export type SendMessageResponse = z.infer<typeof SendMessageResponse>;

const QueryInt = z.coerce.number().int();

/** Query of `GET /spaces/:spaceId/updates`: `after` pages forward, `before` pages back. */
export const UpdatesQuery = z
  .strictObject({
    after: QueryInt.nonnegative().optional(),
    before: QueryInt.positive().optional(),
    limit: QueryInt.min(1).max(DEFAULT_LIMITS.pageMax).default(DEFAULT_LIMITS.pageDefault),
  })
  .refine((query) => query.after === undefined || query.before === undefined, {
    error: 'Give either "after" or "before", not both.',
    path: ['before'],
  });
export type UpdatesQuery = z.infer<typeof UpdatesQuery>;

export const UpdatesResponse = z.object({
  updates: z.array(Update),
  headId: UpdateCursor,
  timites: z.array(Timite),
});
export type UpdatesResponse = z.infer<typeof UpdatesResponse>;

export const PresenceResponse = z.object({ timites: z.array(Timite) });
export type PresenceResponse = z.infer<typeof PresenceResponse>;

/**
 * The limits a server is configured with (`GET /limits`, an extension of v1); the defaults
 * are DEFAULT_LIMITS. More fields may come: clients ignore those they do not know.
 */
export const ServerLimits = z.object({
  /** Message content, in Unicode code points after trimming. */
  messageChars: z.number().int().positive(),
  /** HTTP request body, in bytes. */
  httpBodyBytes: z.number().int().positive(),
  /** One WebSocket frame from a client, in bytes. */
  wsFrameBytes: z.number().int().positive(),
  subscriptionsPerConnection: z.number().int().positive(),
  connectionsPerTimite: z.number().int().positive(),
});
export type ServerLimits = z.infer<typeof ServerLimits>;

export const LimitsResponse = z.object({ limits: ServerLimits });
export type LimitsResponse = z.infer<typeof LimitsResponse>;

export const HealthResponse = z.object({ status: z.literal('ok') });
export type HealthResponse = z.infer<typeof HealthResponse>;
