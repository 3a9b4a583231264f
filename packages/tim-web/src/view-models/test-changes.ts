import type { Reaction, Timite, Update } from '@tim/protocol';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };

function at(id: number): string {
  return new Date(Date.UTC(2026, 0, 1, 12, 0, id)).toISOString();
}

/** A `message_edited` update `id` of message `messageId` (by alice in `main` unless said otherwise). */
export function makeEdit(
  id: number,
  messageId: number,
  content: string,
  options: { spaceId?: string; editor?: Timite } = {},
): Update {
  return {
    id,
    spaceId: options.spaceId ?? 'main',
    at: at(id),
    event: {
      type: 'message_edited',
      messageId,
      content,
      mentions: [],
      editedAt: at(id),
      editedBy: (options.editor ?? alice).id,
    },
  };
}

/** A `message_deleted` update `id` of message `messageId`. */
export function makeDelete(id: number, messageId: number, options: { spaceId?: string; by?: Timite } = {}): Update {
  return {
    id,
    spaceId: options.spaceId ?? 'main',
    at: at(id),
    event: { type: 'message_deleted', messageId, deletedAt: at(id), deletedBy: (options.by ?? alice).id },
  };
}

/** A `reaction` update `id` on message `messageId` that leaves `reactions` (the whole set). */
export function makeReaction(
  id: number,
  messageId: number,
  reactions: Reaction[],
  options: { spaceId?: string; timite?: Timite; emoji?: string; added?: boolean } = {},
): Update {
  return {
    id,
    spaceId: options.spaceId ?? 'main',
    at: at(id),
    event: {
      type: 'reaction',
      messageId,
      emoji: options.emoji ?? reactions[0]?.emoji ?? '👍',
      timite: options.timite ?? alice,
      added: options.added ?? true,
      reactions,
    },
  };
}
