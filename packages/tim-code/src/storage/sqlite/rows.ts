import { MessageStreamMark, Reaction, TimiteId, TimiteKind } from '@tim/protocol';
import type { MessageUpdate, Space, SpaceUnread, Timite, Update } from '@tim/protocol';
import { z } from 'zod';
import { toMessageUpdate, type StoredMessage } from '../append-rules';
import { abilityTimelineEntry } from '../ability-columns';
import { spaceOfColumns } from '../access-rules';
import { abilityTimelineUpdate } from '../ability-updates';
import { toChangeUpdate } from '../change-updates';
import type { CurrentMessage, SessionRecord, TimiteRecord } from '../storage';
import type {
  MessageRow,
  SessionRow,
  SpaceRow,
  TimelineAbilityRow,
  TimelineMessageRow,
  TimelineRow,
  TimiteRow,
  UnreadRow,
} from './statements';

const Mentions = z.array(TimiteId);
const Reactions = z.array(Reaction);

/** Times are stored as integer ms since the epoch; the protocol speaks ISO 8601 in UTC. */
export function toIsoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function toTimite(row: Pick<TimiteRow, 'id' | 'nick' | 'kind'>): Timite {
  return { id: row.id, nick: row.nick, kind: TimiteKind.parse(row.kind) };
}

export function toTimiteRecord(row: TimiteRow): TimiteRecord {
  return { timite: toTimite(row), passwordHash: row.password_hash, revoked: row.revoked === 1 };
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    timite: toTimite({ id: row.timite_id, nick: row.nick, kind: row.kind }),
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
  };
}

export function toSpace(row: SpaceRow): Space {
  return spaceOfColumns(row);
}

/** The update that added the message, showing the message as it is now. */
export function toUpdate(row: MessageRow): MessageUpdate {
  return toMessageUpdate({
    ...storedMessageOf(row.space_id, row),
    replyTo: row.reply_to ?? undefined,
    editedAt: row.edited_at === null ? undefined : new Date(row.edited_at),
    deletedAt: row.deleted_at === null ? undefined : new Date(row.deleted_at),
    deletedBy: row.deleted_by ?? undefined,
    reactions: parseReactions(row.reactions),
  });
}

/** The columns every message read selects, as the shared rules take them. */
function storedMessageOf(spaceId: string, row: Omit<TimelineMessageRow, 'kind' | 'data'>): StoredMessage {
  return {
    updateId: row.update_id,
    messageId: row.message_id,
    spaceId,
    sender: toTimite({ id: row.sender_id, nick: row.sender_nick, kind: row.sender_kind }),
    content: row.content,
    mentions: Mentions.parse(JSON.parse(row.mentions)),
    createdAt: new Date(row.created_at),
    clientMsgId: row.client_msg_id ?? undefined,
    stream: row.stream === null ? undefined : MessageStreamMark.parse(JSON.parse(row.stream)),
  };
}

/** statements.ts MESSAGE_CHANGES: [reply_to, edited_at, deleted_at, deleted_by, reactions]. */
const PackedMessageChanges = z.tuple([
  z.number().int().nullable(),
  z.number().int().nullable(),
  z.number().int().nullable(),
  z.number().int().nullable(),
  Reactions.nullable(),
]);

function toTimelineMessageUpdate(spaceId: string, row: TimelineMessageRow): MessageUpdate {
  const stored = storedMessageOf(spaceId, row);
  if (row.data === null) return toMessageUpdate(stored);
  const [replyTo, editedAt, deletedAt, deletedBy, reactions] = PackedMessageChanges.parse(JSON.parse(row.data));
  return toMessageUpdate({
    ...stored,
    replyTo: replyTo ?? undefined,
    editedAt: editedAt === null ? undefined : new Date(editedAt),
    deletedAt: deletedAt === null ? undefined : new Date(deletedAt),
    deletedBy: deletedBy ?? undefined,
    reactions: reactions ?? undefined,
  });
}

export function toCurrentMessage(row: MessageRow): CurrentMessage {
  return { message: toUpdate(row).event.message, updateId: row.update_id };
}

export function parseReactions(json: string | null): Reaction[] {
  return json === null ? [] : Reactions.parse(JSON.parse(json));
}

/** The column value for a message's reactions: NULL when there are none. */
export function reactionsColumn(reactions: Reaction[]): string | null {
  return reactions.length === 0 ? null : JSON.stringify(reactions);
}

function isAbilityRow(row: TimelineRow): row is TimelineAbilityRow {
  return row.kind === 'ability_call' || row.kind === 'ability_outcome';
}

/** A row of the space `spaceId`'s timeline as the update it is. */
export function toTimelineUpdate(spaceId: string, row: TimelineRow): Update {
  if (row.kind === 'message') return toTimelineMessageUpdate(spaceId, row);
  if (isAbilityRow(row)) return abilityTimelineUpdate(abilityTimelineEntry(spaceId, row));
  return toChangeUpdate({
    spaceId,
    updateId: row.update_id,
    kind: row.kind,
    messageId: row.message_id,
    actor: toTimite({ id: row.sender_id, nick: row.sender_nick, kind: row.sender_kind }),
    createdAt: new Date(row.created_at),
    data: row.data === null ? null : JSON.parse(row.data),
  });
}

export function toSpaceUnread(row: UnreadRow): SpaceUnread {
  return { readUpTo: row.read_up_to, messages: row.messages, mentions: row.mentions };
}
