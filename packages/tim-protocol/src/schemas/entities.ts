import { z } from 'zod';
import { CLIENT_MSG_ID_MAX_CHARS, NICK_MAX_CHARS, SPACE_ID_MAX_CHARS, SPACE_NAME_MAX_CHARS } from './limits';

/** Characters a nick may contain; `@nick` mentions end at the first character outside it. */
export const NICK_CHAR_CLASS = 'A-Za-z0-9_.-';

export const Nick = z.string().regex(new RegExp(`^[${NICK_CHAR_CLASS}]{1,${NICK_MAX_CHARS}}$`), {
  error: `A nick is 1–${NICK_MAX_CHARS} characters of letters, digits, "_", "." and "-".`,
});
export type Nick = z.infer<typeof Nick>;

export const SpaceId = z.string().regex(new RegExp(`^[a-z0-9-]{1,${SPACE_ID_MAX_CHARS}}$`), {
  error: `A space id is 1–${SPACE_ID_MAX_CHARS} characters of lowercase letters, digits and "-".`,
});
export type SpaceId = z.infer<typeof SpaceId>;

export const SpaceName = z.string().trim().min(1).max(SPACE_NAME_MAX_CHARS);

export const TimiteId = z.number().int().positive();
export const MessageId = z.number().int().positive();
/** A space's update sequence number: 1, 2, 3, … with no gaps. */
export const UpdateId = z.number().int().positive();
/** An update id or 0, meaning "before the first update". */
export const UpdateCursor = z.number().int().nonnegative();

export const IsoTime = z.iso.datetime({ offset: true });

export const ClientMsgId = z.string().min(1).max(CLIENT_MSG_ID_MAX_CHARS);

export const TimiteKind = z.enum(['human', 'agent']);
export type TimiteKind = z.infer<typeof TimiteKind>;

export const Timite = z.object({
  id: TimiteId,
  nick: Nick,
  kind: TimiteKind,
});
export type Timite = z.infer<typeof Timite>;

export const Session = z.object({
  key: z.string().min(1),
  timiteId: TimiteId,
  createdAt: IsoTime,
  expiresAt: IsoTime,
});
export type Session = z.infer<typeof Session>;

export const Space = z.object({
  id: SpaceId,
  name: z.string(),
  createdAt: IsoTime,
  /** Extension (issue 19): a private space exists only for its members. New servers always send it. */
  visibility: z.enum(['public', 'private']).optional(),
  /** Extension (issue 19): 'dm' for a direct message, a private space of two or a few timites. */
  kind: z.enum(['space', 'dm']).optional(),
  /** Extension (issue 19): when the space was archived (readable, no posting); absent when it is not. */
  archivedAt: IsoTime.optional(),
});
export type Space = z.infer<typeof Space>;

/**
 * Extension: where a timite stands in a space. `readUpTo` is its read marker (an update id, 0
 * when it never read there); `messages` counts the messages after it that others sent and that
 * are not deleted, `mentions` those of them that mention the timite. Both stop counting at
 * UNREAD_COUNT_CAP: that value means "at least that many".
 */
export const SpaceUnread = z.object({
  readUpTo: UpdateCursor,
  messages: z.number().int().nonnegative(),
  mentions: z.number().int().nonnegative(),
});
export type SpaceUnread = z.infer<typeof SpaceUnread>;

/**
 * A space as `GET /spaces` lists it: with the caller's unread counts and, when the caller is a
 * member, its role there (extensions of v1).
 */
export const SpaceListing = Space.extend({
  unread: SpaceUnread.optional(),
  role: z.enum(['owner', 'admin', 'member']).optional(),
});
export type SpaceListing = z.infer<typeof SpaceListing>;

/** Extension: a streaming message's id, chosen by the server when the stream opens. */
export const StreamId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
  error: 'A stream id is 8–64 characters of letters, digits, "_" and "-".',
});
export type StreamId = z.infer<typeof StreamId>;

/**
 * Why a stream ended. The first four leave a durable message with the text so far; `aborted`
 * (its author withdrew it), `failed` (the message could not be stored) and `lost` (the process
 * holding it went away) leave none.
 */
export const StreamEndReason = z.enum([
  'finished',
  'stopped',
  'timed_out',
  'disconnected',
  'aborted',
  'failed',
  'lost',
]);
export type StreamEndReason = z.infer<typeof StreamEndReason>;

/** Extension: the mark on a message that was streamed, and how its stream ended. */
export const MessageStreamMark = z.object({
  id: StreamId,
  end: z.enum(['finished', 'stopped', 'timed_out', 'disconnected']),
  /** Who stopped it, when `end` is `stopped`. */
  stoppedBy: TimiteId.optional(),
});
export type MessageStreamMark = z.infer<typeof MessageStreamMark>;

/**
 * Extension: a reaction's emoji (or short code such as `:+1:`): 1–32 UTF-16 units, no
 * whitespace.
 */
export const ReactionEmoji = z.string().regex(/^\S{1,32}$/u, {
  error: 'A reaction is 1–32 characters without spaces.',
});
export type ReactionEmoji = z.infer<typeof ReactionEmoji>;

/** Extension: who reacted to a message with one emoji, in the order they did. */
export const Reaction = z.object({
  emoji: ReactionEmoji,
  timites: z.array(Timite),
});
export type Reaction = z.infer<typeof Reaction>;

export const Message = z.object({
  id: MessageId,
  spaceId: SpaceId,
  sender: Timite,
  /** Empty once the message is deleted (`deletedAt`). */
  content: z.string(),
  mentions: z.array(TimiteId),
  createdAt: IsoTime,
  clientMsgId: ClientMsgId.optional(),
  /** Extension: present when the message was streamed. */
  stream: MessageStreamMark.optional(),
  /** Extension: the earlier message of the same space this one answers. */
  replyTo: MessageId.optional(),
  /** Extension: when its sender last edited it; `content` and `mentions` are the edited ones. */
  editedAt: IsoTime.optional(),
  /** Extension: a tombstone: the content is gone (empty), and so are mentions and reactions. */
  deletedAt: IsoTime.optional(),
  /** Extension: who deleted it, with `deletedAt`. */
  deletedBy: TimiteId.optional(),
  /** Extension: reactions, absent when there are none; in the order each emoji was first used. */
  reactions: z.array(Reaction).optional(),
});
export type Message = z.infer<typeof Message>;

/**
 * A new message. Read back later (resume, paging), it shows the message as it is now: edited
 * content, tombstone, reactions; the updates that changed it follow it in the timeline too.
 */
export const MessageEvent = z.object({
  type: z.literal('message'),
  message: Message,
});
export type MessageEvent = z.infer<typeof MessageEvent>;

/**
 * Extension: the sender edited an earlier message. Apply it to the message with id
 * `messageId`: `content`, `mentions` and `editedAt` replace the old ones. Read back after the
 * message was deleted, `content` is empty and `mentions` too (the delete follows).
 */
export const MessageEditedEvent = z.object({
  type: z.literal('message_edited'),
  messageId: MessageId,
  content: z.string(),
  mentions: z.array(TimiteId),
  editedAt: IsoTime,
  /** The editor: always the message's sender. */
  editedBy: TimiteId,
});
export type MessageEditedEvent = z.infer<typeof MessageEditedEvent>;

/** Extension: a message became a tombstone: show it as deleted, drop its content and reactions. */
export const MessageDeletedEvent = z.object({
  type: z.literal('message_deleted'),
  messageId: MessageId,
  deletedAt: IsoTime,
  deletedBy: TimiteId,
});
export type MessageDeletedEvent = z.infer<typeof MessageDeletedEvent>;

/**
 * Extension: `timite` added (`added: true`) or took back a reaction; `reactions` is the
 * message's whole set afterwards, so applying it is idempotent.
 */
export const ReactionEvent = z.object({
  type: z.literal('reaction'),
  messageId: MessageId,
  emoji: ReactionEmoji,
  timite: Timite,
  added: z.boolean(),
  reactions: z.array(Reaction),
});
export type ReactionEvent = z.infer<typeof ReactionEvent>;

// Extension: abilities (docs/protocol.md). Frames and HTTP bodies are in abilities.ts.

/** An ability's name: what follows `/nick.` in a slash command. */
export const AbilityName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, {
  error: 'An ability name is 1–64 characters of lowercase letters, digits, "_" and "-", starting with a letter.',
});
export type AbilityName = z.infer<typeof AbilityName>;

export const ABILITY_DESCRIPTION_MAX_CHARS = 1000;
/** A declared parameters schema, serialised. */
export const ABILITY_SCHEMA_MAX_BYTES = 8 * 1024;
export const ABILITIES_PER_DECLARATION_MAX = 32;
/** A call's arguments, serialised. */
export const ABILITY_ARGUMENTS_MAX_BYTES = 8 * 1024;
/** An outcome's result or error, serialised. */
export const ABILITY_RESULT_MAX_BYTES = 16 * 1024;
export const ABILITY_TIMEOUT_DEFAULT_MS = 60_000;
export const ABILITY_TIMEOUT_MAX_MS = 300_000;

/** A JSON value; what arguments and results may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** A JSON Schema (draft 2020-12 or 07) for an object of named parameters. */
export const AbilityParameters = z
  .looseObject({ type: z.literal('object') })
  .refine((schema) => JSON.stringify(schema).length <= ABILITY_SCHEMA_MAX_BYTES, {
    error: `A parameters schema is at most ${ABILITY_SCHEMA_MAX_BYTES} bytes of JSON.`,
  });
export type AbilityParameters = z.infer<typeof AbilityParameters>;

export const Ability = z.object({
  name: AbilityName,
  description: z.string().max(ABILITY_DESCRIPTION_MAX_CHARS),
  parameters: AbilityParameters,
});
export type Ability = z.infer<typeof Ability>;

/** What one timite can do in a space now. */
export const TimiteAbilities = z.object({
  timite: Timite,
  abilities: z.array(Ability),
});
export type TimiteAbilities = z.infer<typeof TimiteAbilities>;

/**
 * A call of `target`'s ability by `caller`. `callId` is this update's own id; the outcome names
 * it. `deadline` is when the server records a timeout unless the target answered.
 */
export const AbilityCallEvent = z.object({
  type: z.literal('ability_call'),
  callId: UpdateId,
  caller: Timite,
  target: Timite,
  ability: AbilityName,
  arguments: z.record(z.string(), JsonValue),
  deadline: IsoTime,
});
export type AbilityCallEvent = z.infer<typeof AbilityCallEvent>;

export const AbilityOutcomeStatus = z.enum(['ok', 'error', 'timed_out']);
export type AbilityOutcomeStatus = z.infer<typeof AbilityOutcomeStatus>;

/**
 * The one outcome of a call: `ok` with `result` (text or JSON), `error` with `error` (a sentence
 * from the target), or `timed_out` recorded by the server (then `target` is still the callee).
 */
export const AbilityOutcomeEvent = z.object({
  type: z.literal('ability_outcome'),
  callId: UpdateId,
  target: Timite,
  status: AbilityOutcomeStatus,
  result: JsonValue.optional(),
  error: z.string().optional(),
});
export type AbilityOutcomeEvent = z.infer<typeof AbilityOutcomeEvent>;

/** A timite's abilities in a space changed (declared, replaced, or gone with its last connection). */
export const AbilitiesEvent = z.object({
  type: z.literal('abilities'),
  spaceId: SpaceId,
  timite: Timite,
  abilities: z.array(Ability),
});
export type AbilitiesEvent = z.infer<typeof AbilitiesEvent>;

/** Persisted event kinds. Clients ignore kinds they do not know. */
export const UpdateEvent = z.discriminatedUnion('type', [
  MessageEvent,
  MessageEditedEvent,
  MessageDeletedEvent,
  ReactionEvent,
  AbilityCallEvent,
  AbilityOutcomeEvent,
]);
export type UpdateEvent = z.infer<typeof UpdateEvent>;

export const Update = z.object({
  id: UpdateId,
  spaceId: SpaceId,
  at: IsoTime,
  event: UpdateEvent,
});
export type Update = z.infer<typeof Update>;

/** An update that adds a message. */
export type MessageUpdate = Update & { event: MessageEvent };

export function isMessageUpdate(update: Update): update is MessageUpdate {
  return update.event.type === 'message';
}

/** The message an update adds; undefined for an update of another kind. */
export function messageOf(update: Update | undefined): Message | undefined {
  return update?.event.type === 'message' ? update.event.message : undefined;
}

/**
 * An update whose event may be of a kind this client does not know. Clients parse with
 * this first, so an unknown kind still advances their resume cursor.
 */
export const UpdateEnvelope = z.object({
  id: UpdateId,
  spaceId: SpaceId,
  at: IsoTime,
  event: z.looseObject({ type: z.string() }),
});
export type UpdateEnvelope = z.infer<typeof UpdateEnvelope>;

export const PresenceState = z.enum(['online', 'offline']);
export type PresenceState = z.infer<typeof PresenceState>;

export const Activity = z.enum(['typing', 'thinking', 'idle']);
export type Activity = z.infer<typeof Activity>;

/** Ephemeral: live only, never replayed, no id. */
export const PresenceEvent = z.object({
  type: z.literal('presence'),
  spaceId: SpaceId,
  timite: Timite,
  state: PresenceState,
});
export type PresenceEvent = z.infer<typeof PresenceEvent>;

/** Ephemeral: live only, never replayed, no id. */
export const ActivityEvent = z.object({
  type: z.literal('activity'),
  spaceId: SpaceId,
  timite: Timite,
  activity: Activity,
});
export type ActivityEvent = z.infer<typeof ActivityEvent>;

/**
 * Extension, ephemeral: the text of an open streaming message, from `offset` (in Unicode code
 * points) on. Offset 0 carries the whole text so far (a subscriber who joins mid-stream gets
 * one); any other offset continues it. A subscriber appends `text` when `offset` equals the
 * length it holds, replaces on 0, and otherwise waits for the next offset 0 or the final
 * message, so a lost frame never garbles the text.
 */
export const StreamEvent = z.object({
  type: z.literal('stream'),
  spaceId: SpaceId,
  streamId: StreamId,
  author: Timite,
  clientMsgId: ClientMsgId,
  offset: z.number().int().nonnegative(),
  text: z.string(),
});
export type StreamEvent = z.infer<typeof StreamEvent>;

/**
 * Extension, ephemeral: an open stream ended. With `updateId`, its final message is (or will
 * be) that update of the space, marked with `stream.id`; a subscriber keeps the growing text
 * until that update arrives, then shows the update instead.
 */
export const StreamEndEvent = z.object({
  type: z.literal('stream_end'),
  spaceId: SpaceId,
  streamId: StreamId,
  author: Timite,
  reason: StreamEndReason,
  updateId: UpdateId.optional(),
  stoppedBy: Timite.optional(),
});
export type StreamEndEvent = z.infer<typeof StreamEndEvent>;

export const EphemeralEvent = z.discriminatedUnion('type', [
  PresenceEvent,
  ActivityEvent,
  StreamEvent,
  StreamEndEvent,
  AbilitiesEvent,
]);
export type EphemeralEvent = z.infer<typeof EphemeralEvent>;
