import { TimiteKind } from '@tim/protocol';
import type { MessageUpdate, Space, Timite } from '@tim/protocol';
import { z } from 'zod';
import { messageColumnsToUpdate } from '../message-columns';
import type { SessionRecord, TimiteRecord } from '../storage';

/*
 * Rows as node-postgres returns them, parsed like anything else that crosses a process
 * boundary. bigint columns arrive as strings (they may exceed 2^53); ours are ms times and
 * ids well below it.
 */
const BigintNumber = z
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

export const SpaceRow = z.object({ id: z.string(), name: z.string(), created_at: BigintNumber });

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
});

/** What an append reads in one statement: the locked counters, the sender, any original (as JSON). */
export const AppendStateRow = SpaceCountersRow.extend({
  sender: TimiteRow.nullable(),
  original: MessageRow.nullable(),
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
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at).toISOString() };
}

export function toUpdate(row: z.infer<typeof MessageRow>): MessageUpdate {
  return messageColumnsToUpdate(row);
}
