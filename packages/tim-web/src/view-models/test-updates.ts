import type { MessageStreamMark, MessageUpdate, StreamEndEvent, StreamEvent, Timite, Update } from '@tim/protocol';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };

/** Builds valid updates for view-model tests; `id` doubles as the message id. */
export function makeUpdate(
  id: number,
  options: {
    spaceId?: string;
    sender?: Timite;
    content?: string;
    clientMsgId?: string;
    stream?: MessageStreamMark;
  } = {},
): MessageUpdate {
  const spaceId = options.spaceId ?? 'main';
  const sender = options.sender ?? alice;
  const at = new Date(Date.UTC(2026, 0, 1, 12, 0, id)).toISOString();
  return {
    id,
    spaceId,
    at,
    event: {
      type: 'message',
      message: {
        id,
        spaceId,
        sender,
        content: options.content ?? `message ${id}`,
        mentions: [],
        createdAt: at,
        ...(options.clientMsgId === undefined ? {} : { clientMsgId: options.clientMsgId }),
        ...(options.stream === undefined ? {} : { stream: options.stream }),
      },
    },
  };
}

export function makeUpdates(fromId: number, toId: number): Update[] {
  const updates: Update[] = [];
  for (let id = fromId; id <= toId; id += 1) updates.push(makeUpdate(id));
  return updates;
}

/** What every stream event of `streamId` carries: by alice in `main` unless said otherwise. */
function streamOf(streamId: string, options: { author?: Timite; spaceId?: string }) {
  return { spaceId: options.spaceId ?? 'main', streamId, author: options.author ?? alice };
}

/** A `stream` event: `text` from `offset` on, of stream `streamId` (8+ characters). */
export function makeStreamEvent(
  streamId: string,
  options: { offset?: number; text?: string; author?: Timite; spaceId?: string } = {},
): StreamEvent {
  const { offset = 0, text = '' } = options;
  return { type: 'stream', ...streamOf(streamId, options), clientMsgId: `client-${streamId}`, offset, text };
}

/** A `stream_end` event; pass `updateId` for an end that leaves a message. */
export function makeStreamEnd(
  streamId: string,
  options: Partial<Pick<StreamEndEvent, 'reason' | 'updateId' | 'stoppedBy' | 'author' | 'spaceId'>> = {},
): StreamEndEvent {
  const { reason = 'finished', updateId, stoppedBy } = options;
  return {
    type: 'stream_end',
    ...streamOf(streamId, options),
    reason,
    ...(updateId === undefined ? {} : { updateId }),
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
  };
}
