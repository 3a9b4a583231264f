import { MessageStreamMark, Reaction, TimiteKind } from '@tim/protocol';
import type { MessageUpdate, Space, SpaceUnread, Timite, Update } from '@tim/protocol';
import { z } from 'zod';
import { abilityTimelineEntry } from '../ability-columns';
import { spaceOfColumns } from '../access-rules';
import { abilityTimelineUpdate } from '../ability-updates';
import { toMessageUpdate } from '../append-rules';
import { toChangeUpdate } from '../change-updates';
import type { CurrentMessage, SessionRecord, TimiteRecord } from '../storage';

/*
 * Rows as node-postgres returns them, parsed like anything else that crosses a process
 * boundary. bigint columns arrive as strings (they may exceed 2^53); ours are ms times and
 * ids well below it.
 */
export const BigintNumber = z
  .union([z.string(), z.number()])
  .transform((value) => Number(value))
  .pipe(z.number().int());

export const TimiteRow = z.object({
  id: z.number().int(),
  nick: z.string(),
  kind: TimiteKind,
  password_hash: z.string().nullable(),
  revoked: z.boolean(),
});

export const SessionRow = z.object({
  created_at: BigintNumber,
  expires_at: BigintNumber.nullable(),
  timite_id: z.number().int(),
  nick: z.string(),
  kind: TimiteKind,
});

export const RevocationRow = z.object({
  seq: BigintNumber,
  key_hash: z.string().nullable(),
  timite_id: z.number().int().nullable(),
});
export type RevocationRow = z.infer<typeof RevocationRow>;

/** A space's columns (issue 19 added visibility, kind and archived_at; access-rules.ts SpaceColumns). */
export const SpaceRow = z.object({
  id: z.string(),
  name: z.string(),
  created_at: BigintNumber,
  visibility: z.string(),
  kind: z.string(),
  archived_at: BigintNumber.nullable(),
});

export const CountRow = z.object({ count: z.number().int() });

export const SpaceCountersRow = z.object({ head_id: z.number().int(), agent_streak: z.number().int() });

/** A message joined with its sender: everything one Update needs. */
export const MessageRow = z.object({
  message_id: BigintNumber,
  space_id: z.string(),
  update_id: z.number().int(),
  content: z.string(),
  mentions: z.array(z.number().int()),
  client_msg_id: z.string().nullable(),
  created_at: BigintNumber,
  stream: z.string().nullable(),
  sender_id: z.number().int(),
  sender_nick: z.string(),
  sender_kind: TimiteKind,
  reply_to: BigintNumber.nullable(),
  edited_at: BigintNumber.nullable(),
  deleted_at: BigintNumber.nullable(),
  deleted_by: z.number().int().nullable(),
  /** Reaction[] as JSON text, NULL when there are none. */
  reactions: z.string().nullable(),
});
export type MessageRow = z.infer<typeof MessageRow>;

/** An edit, delete or reaction joined with its actor (in the sender_* columns, like a message's). */
export const ChangeRow = z.object({
  kind: z.enum(['edited', 'deleted', 'reaction']),
  update_id: z.number().int(),
  space_id: z.string(),
  created_at: BigintNumber,
  message_id: BigintNumber,
  data: z.string().nullable(),
  sender_id: z.number().int(),
  sender_nick: z.string(),
  sender_kind: TimiteKind,
});

/** A call or an outcome in the timeline: its author in the sender columns, the rest in data (ability-columns.ts). */
const AbilityTimelineRow = z.object({
  update_id: z.number().int(),
  space_id: z.string(),
  created_at: BigintNumber,
  data: z.string(),
  sender_id: z.number().int(),
  sender_nick: z.string(),
  sender_kind: TimiteKind,
});

/** One row of the timeline: a message, a change, a call or an outcome, as TIMELINE_COLUMNS selects them. */
export const TimelineRow = z.discriminatedUnion('kind', [
  MessageRow.extend({ kind: z.literal('message') }),
  ChangeRow,
  AbilityTimelineRow.extend({ kind: z.literal('ability_call') }),
  AbilityTimelineRow.extend({ kind: z.literal('ability_outcome') }),
]);

/** What a change reads once it holds its space: the message as it is now, the actor. */
export const ChangeTargetRow = z.object({
  message: MessageRow.nullable(),
  actor: TimiteRow.nullable(),
});

export const ReadMarkerRow = z.object({ update_id: z.number().int() });

export const UnreadRow = z.object({
  space_id: z.string(),
  read_up_to: z.number().int(),
  messages: z.number().int(),
  mentions: z.number().int(),
});

/** What an append reads in one statement: the locked counters, the sender, any original (as JSON). */
export const AppendStateRow = SpaceCountersRow.extend({
  sender: TimiteRow.nullable(),
  original: MessageRow.nullable(),
  /** Whether the message named by replyTo is one of this space's. */
  reply_found: z.boolean(),
});

/** What the one-statement append returns: the message's row id, its update id, the space's new streak, the sender. */
export const PlainAppendRow = z.object({
  id: z.coerce.number().int(),
  update_id: z.number().int(),
  agent_streak: z.number().int(),
  sender: TimiteRow,
});

export function toTimite(row: { id: number; nick: string; kind: Timite['kind'] }): Timite {
  return { id: row.id, nick: row.nick, kind: row.kind };
}

export function toTimiteRecord(row: z.infer<typeof TimiteRow>): TimiteRecord {
  return { timite: toTimite(row), passwordHash: row.password_hash, revoked: row.revoked };
}

export function toSessionRecord(row: z.infer<typeof SessionRow>): SessionRecord {
  return {
    timite: toTimite({ id: row.timite_id, nick: row.nick, kind: row.kind }),
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
  };
}

export function toSpace(row: z.infer<typeof SpaceRow>): Space {
  return spaceOfColumns(row);
}

/** The update that added the message, showing the message as it is now. */
export function toUpdate(row: MessageRow): MessageUpdate {
  return toMessageUpdate({
    updateId: row.update_id,
    messageId: row.message_id,
    spaceId: row.space_id,
    sender: toTimite({ id: row.sender_id, nick: row.sender_nick, kind: row.sender_kind }),
    content: row.content,
    mentions: row.mentions,
    createdAt: new Date(row.created_at),
    clientMsgId: row.client_msg_id ?? undefined,
    stream: row.stream === null ? undefined : MessageStreamMark.parse(JSON.parse(row.stream)),
    replyTo: row.reply_to ?? undefined,
    editedAt: row.edited_at === null ? undefined : new Date(row.edited_at),
    deletedAt: row.deleted_at === null ? undefined : new Date(row.deleted_at),
    deletedBy: row.deleted_by ?? undefined,
    reactions: parseReactions(row.reactions),
  });
}

export function toCurrentMessage(row: MessageRow): CurrentMessage {
  return { message: toUpdate(row).event.message, updateId: row.update_id };
}

export function parseReactions(json: string | null): Reaction[] {
  return json === null ? [] : z.array(Reaction).parse(JSON.parse(json));
}

export function toTimelineUpdate(row: z.infer<typeof TimelineRow>): Update {
  if (row.kind === 'message') return toUpdate(row);
  if (row.kind === 'ability_call' || row.kind === 'ability_outcome') {
    return abilityTimelineUpdate(abilityTimelineEntry(row.space_id, row));
  }
  return toChangeUpdate({
    spaceId: row.space_id,
    updateId: row.update_id,
    kind: row.kind,
    messageId: row.message_id,
    actor: toTimite({ id: row.sender_id, nick: row.sender_nick, kind: row.sender_kind }),
    createdAt: new Date(row.created_at),
    data: row.data === null ? null : JSON.parse(row.data),
  });
}

export function toSpaceUnread(row: z.infer<typeof UnreadRow>): SpaceUnread {
  return { readUpTo: row.read_up_to, messages: row.messages, mentions: row.mentions };
}
