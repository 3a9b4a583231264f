import { TimiteId, TimiteKind } from '@tim/protocol';
import type { MessageUpdate, Space, Timite } from '@tim/protocol';
import { z } from 'zod';
import { messageColumnsToUpdate } from '../message-columns';
import type { SessionRecord, TimiteRecord } from '../storage';
import type { MessageRow, SessionRow, SpaceRow, TimiteRow } from './statements';

const Mentions = z.array(TimiteId);

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
  return { id: row.id, name: row.name, createdAt: toIsoTime(row.created_at) };
}

export function toUpdate(row: MessageRow): MessageUpdate {
  return messageColumnsToUpdate({
    ...row,
    sender_kind: TimiteKind.parse(row.sender_kind),
    mentions: Mentions.parse(JSON.parse(row.mentions)),
  });
}
