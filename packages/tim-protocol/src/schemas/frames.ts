import { z } from 'zod';
import { AbilitiesDeclaredFrame, DeclareAbilitiesFrame } from './abilities';
import {
  AbilitiesEvent,
  Activity,
  ActivityEvent,
  ClientMsgId,
  MessageId,
  PresenceEvent,
  SpaceId,
  StreamEndEvent,
  StreamEvent,
  StreamId,
  Timite,
  TimiteId,
  UpdateCursor,
  UpdateEnvelope,
  UpdateId,
} from './entities';

// Client → server

export const AuthFrame = z.strictObject({
  type: z.literal('auth'),
  key: z.string().min(1).max(512),
});
export type AuthFrame = z.infer<typeof AuthFrame>;

export const SubscribeFrame = z.strictObject({
  type: z.literal('subscribe'),
  spaceId: SpaceId,
  /** @default true */
  receiveOwnMessages: z.boolean().optional(),
  /** Replay every update with id > after before going live. */
  after: UpdateCursor.optional(),
});
export type SubscribeFrame = z.infer<typeof SubscribeFrame>;

export const UnsubscribeFrame = z.strictObject({
  type: z.literal('unsubscribe'),
  spaceId: SpaceId,
});
export type UnsubscribeFrame = z.infer<typeof UnsubscribeFrame>;

export const ActivityFrame = z.strictObject({
  type: z.literal('activity'),
  spaceId: SpaceId,
  activity: Activity,
});
export type ActivityFrame = z.infer<typeof ActivityFrame>;

/**
 * Extension of v1: an application-level ping, answered by a `pong` to the sender alone.
 * Browsers cannot see WebSocket ping/pong control frames, so this is how they notice a dead
 * or frozen server.
 */
export const PingFrame = z.strictObject({
  type: z.literal('ping'),
  /** Echoed in the pong. */
  id: z.string().min(1).max(64).optional(),
});
export type PingFrame = z.infer<typeof PingFrame>;

/**
 * Extension: opens a streaming message in a space; answered by `stream_opened` to the sender.
 * Everyone subscribed sees `stream` events as it grows, then its final message as a normal
 * update. `clientMsgId` makes it idempotent like a send: a stream whose message is already
 * stored is answered by its `stream_end`.
 */
export const StreamOpenFrame = z.strictObject({
  type: z.literal('stream_open'),
  spaceId: SpaceId,
  clientMsgId: ClientMsgId,
  /** The first text, if any. */
  text: z.string().optional(),
});
export type StreamOpenFrame = z.infer<typeof StreamOpenFrame>;

/** Extension: more text for the sender's own open stream. */
export const StreamAppendFrame = z.strictObject({
  type: z.literal('stream_append'),
  streamId: StreamId,
  text: z.string().min(1),
});
export type StreamAppendFrame = z.infer<typeof StreamAppendFrame>;

/** Extension: the sender's own stream is complete; its text becomes a durable message. */
export const StreamFinishFrame = z.strictObject({
  type: z.literal('stream_finish'),
  streamId: StreamId,
});
export type StreamFinishFrame = z.infer<typeof StreamFinishFrame>;

/** Extension: the sender withdraws its own stream; nothing is stored. */
export const StreamAbortFrame = z.strictObject({
  type: z.literal('stream_abort'),
  streamId: StreamId,
});
export type StreamAbortFrame = z.infer<typeof StreamAbortFrame>;

/**
 * Extension: a human in the space stops someone else's stream (an agent's reply); the text so
 * far becomes the final message, marked `stopped`, and the author is told by `stream_end`.
 */
export const StreamStopFrame = z.strictObject({
  type: z.literal('stream_stop'),
  spaceId: SpaceId,
  streamId: StreamId,
});
export type StreamStopFrame = z.infer<typeof StreamStopFrame>;

/**
 * Extension: asks for `space_activity`, `read_marker` and `space_added` frames about every space
 * the timite may read, so that unread counts stay live without a subscription per space. Answered by
 * `unread_subscribed`; lasts as long as the connection.
 */
export const UnreadSubscribeFrame = z.strictObject({
  type: z.literal('unread_subscribe'),
});
export type UnreadSubscribeFrame = z.infer<typeof UnreadSubscribeFrame>;

export const ClientFrame = z.discriminatedUnion('type', [
  AuthFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  ActivityFrame,
  PingFrame,
  StreamOpenFrame,
  StreamAppendFrame,
  StreamFinishFrame,
  StreamAbortFrame,
  StreamStopFrame,
  UnreadSubscribeFrame,
  DeclareAbilitiesFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// Server → client

export const ReadyFrame = z.object({
  type: z.literal('ready'),
  timite: Timite,
  /**
   * Extension of v1: the server's heartbeat interval in ms, the pace of the client's pings.
   * Absent from servers that predate ping frames.
   */
  heartbeatMs: z.number().int().positive().optional(),
  /**
   * Extension: the extensions of v1 this server speaks beyond the frames above, e.g. `streams`
   * (streaming messages). Absent from servers that predate it: assume none.
   */
  extensions: z.array(z.string()).optional(),
});
export type ReadyFrame = z.infer<typeof ReadyFrame>;

export const SubscribedFrame = z.object({
  type: z.literal('subscribed'),
  spaceId: SpaceId,
  /** The space's newest update id when the subscription started, 0 when empty. */
  headId: UpdateCursor,
});
export type SubscribedFrame = z.infer<typeof SubscribedFrame>;

export const UnsubscribedFrame = z.object({
  type: z.literal('unsubscribed'),
  spaceId: SpaceId,
  /**
   * Extension (issue 19): absent when the client asked; 'removed' when the server ended the
   * subscription because the timite may no longer read the space. Other values may follow.
   */
  reason: z.string().min(1).optional(),
});
export type UnsubscribedFrame = z.infer<typeof UnsubscribedFrame>;

/** Carries an envelope so that an update of an unknown event kind still parses. */
export const UpdateFrame = z.object({
  type: z.literal('update'),
  update: UpdateEnvelope,
});
export type UpdateFrame = z.infer<typeof UpdateFrame>;

export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: z.string().min(1),
  message: z.string().optional(),
  details: z.unknown().optional(),
  /** Extension: the space a failed subscribe or activity frame named. */
  spaceId: SpaceId.optional(),
  /** Extension: the stream a failed stream frame named. */
  streamId: StreamId.optional(),
  /** Extension: the `clientMsgId` of a failed `stream_open`. */
  clientMsgId: ClientMsgId.optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/** Extension of v1: the answer to a `ping`, with its `id` when it had one. */
export const PongFrame = z.object({
  type: z.literal('pong'),
  id: z.string().optional(),
});
export type PongFrame = z.infer<typeof PongFrame>;

/** Extension: the answer to `stream_open`; append, finish or abort with `streamId`. */
export const StreamOpenedFrame = z.object({
  type: z.literal('stream_opened'),
  spaceId: SpaceId,
  streamId: StreamId,
  clientMsgId: ClientMsgId,
});
export type StreamOpenedFrame = z.infer<typeof StreamOpenedFrame>;

/** Extension: the answer to `unread_subscribe`. */
export const UnreadSubscribedFrame = z.object({
  type: z.literal('unread_subscribed'),
});
export type UnreadSubscribedFrame = z.infer<typeof UnreadSubscribedFrame>;

/**
 * Extension, after `unread_subscribe`: a new message in a space (any space the timite may read,
 * subscribed or not). A client counts it as unread when `senderId` is not its own and
 * `updateId` is past its read marker, and as a mention when `mentions` holds its id.
 */
export const SpaceActivityFrame = z.object({
  type: z.literal('space_activity'),
  spaceId: SpaceId,
  updateId: UpdateId,
  messageId: MessageId,
  senderId: TimiteId,
  mentions: z.array(TimiteId),
});
export type SpaceActivityFrame = z.infer<typeof SpaceActivityFrame>;

/** Extension, after `unread_subscribe`: the timite's read marker moved (on any device). */
export const ReadMarkerFrame = z.object({
  type: z.literal('read_marker'),
  spaceId: SpaceId,
  readUpTo: UpdateCursor,
});
export type ReadMarkerFrame = z.infer<typeof ReadMarkerFrame>;

/**
 * Extension, after `unread_subscribe`: the timite became a member of a space it did not choose to
 * join (someone invited it, or opened a direct message with it): list the spaces again.
 */
export const SpaceAddedFrame = z.object({
  type: z.literal('space_added'),
  spaceId: SpaceId,
});
export type SpaceAddedFrame = z.infer<typeof SpaceAddedFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  ReadyFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  UpdateFrame,
  PresenceEvent,
  ActivityEvent,
  ErrorFrame,
  PongFrame,
  StreamOpenedFrame,
  StreamEvent,
  StreamEndEvent,
  UnreadSubscribedFrame,
  SpaceActivityFrame,
  ReadMarkerFrame,
  SpaceAddedFrame,
  AbilitiesEvent,
  AbilitiesDeclaredFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
