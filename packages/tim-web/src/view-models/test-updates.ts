import type { Timite, Update } from '@tim/protocol';

/** Builds valid updates for view-model tests; `id` doubles as the message id. */
export function makeUpdate(
  id: number,
  options: { spaceId?: string; sender?: Timite; content?: string; clientMsgId?: string } = {},
): Update {
  const spaceId = options.spaceId ?? 'main';
  const sender = options.sender ?? { id: 1, nick: 'alice', kind: 'human' };
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
      },
    },
  };
}

export function makeUpdates(fromId: number, toId: number): Update[] {
  const updates: Update[] = [];
  for (let id = fromId; id <= toId; id += 1) updates.push(makeUpdate(id));
  return updates;
}
