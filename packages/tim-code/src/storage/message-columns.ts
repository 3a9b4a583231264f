import { MessageStreamMark, type MessageUpdate, type TimiteKind } from '@tim/protocol';
import { toMessageUpdate } from './append-rules';

/** How both SQL backends select a message joined with its sender (same tables, same names). */
export const SELECT_MESSAGES = `
  SELECT m.id AS message_id, m.space_id, m.update_id, m.content, m.mentions, m.client_msg_id, m.created_at, m.stream,
         t.id AS sender_id, t.nick AS sender_nick, t.kind AS sender_kind
  FROM messages m JOIN timites t ON t.id = m.sender_id`;

/** One row of SELECT_MESSAGES, once a backend has decoded its column types. */
export interface MessageColumns {
  message_id: number;
  space_id: string;
  update_id: number;
  content: string;
  mentions: number[];
  client_msg_id: string | null;
  created_at: number;
  /** MessageStreamMark as JSON, NULL for a message that was not streamed. */
  stream: string | null;
  sender_id: number;
  sender_nick: string;
  sender_kind: TimiteKind;
}

export function messageColumnsToUpdate(row: MessageColumns): MessageUpdate {
  return toMessageUpdate({
    updateId: row.update_id,
    messageId: row.message_id,
    spaceId: row.space_id,
    sender: { id: row.sender_id, nick: row.sender_nick, kind: row.sender_kind },
    content: row.content,
    mentions: row.mentions,
    createdAt: new Date(row.created_at),
    clientMsgId: row.client_msg_id ?? undefined,
    stream: row.stream === null ? undefined : MessageStreamMark.parse(JSON.parse(row.stream)),
  });
}
