import { z } from 'zod';
import {
  Activity,
  ActivityEvent,
  PresenceEvent,
  SpaceId,
  Timite,
  UpdateCursor,
  UpdateEnvelope,
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

export const ClientFrame = z.discriminatedUnion('type', [
  AuthFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  ActivityFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// Server → client

export const ReadyFrame = z.object({
  type: z.literal('ready'),
  timite: Timite,
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
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  ReadyFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  UpdateFrame,
  PresenceEvent,
  ActivityEvent,
  ErrorFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
