import type { Timite, UpdateFrame } from '@tim/protocol';

/** The sender every reference server puts on its messages, shaped like a tim timite. */
const BENCH_SENDER: Timite = { id: 1, nick: 'bench-publisher', kind: 'human' };

/**
 * The update frame tim would send for a message, so the reference servers put the same bytes
 * on the wire per delivery as tim does (same shape, same content, similar ids and times).
 */
export function buildUpdateFrame(options: { spaceId: string; updateId: number; content: string }): UpdateFrame {
  const at = new Date().toISOString();
  return {
    type: 'update',
    update: {
      id: options.updateId,
      spaceId: options.spaceId,
      at,
      event: {
        type: 'message',
        message: {
          id: options.updateId,
          spaceId: options.spaceId,
          sender: BENCH_SENDER,
          content: options.content,
          mentions: [],
          createdAt: at,
        },
      },
    },
  };
}
