import type { Update } from '@tim/protocol';
import type { KnownMessages } from '../reply-policy/agent-chain';

export interface MissedRange {
  /** The newest update the agent had handled live; the missed ones come after it. */
  afterId: number;
  /** The space's head when the agent (re)subscribed. */
  throughId: number;
  selfId: number;
  /** Messages created before this moment (ms since the epoch, by the server's clock) are too old to answer. */
  notBeforeMs: number;
}

/**
 * The messages the agent missed while offline that still wait for it: in the range, from
 * someone else, recent enough, not deleted, and not answered. "Answered" is read from the timeline: the
 * agent posted after the message. Oldest first, as updates, for the reply policy to judge.
 */
export function findMissed(known: KnownMessages, range: MissedRange): Update[] {
  const answeredThroughId = known.newestFromId(range.selfId);
  return known.entries().flatMap(({ updateId, message }) => {
    const isMissed =
      updateId > Math.max(range.afterId, answeredThroughId) &&
      updateId <= range.throughId &&
      message.sender.id !== range.selfId &&
      message.deletedAt === undefined &&
      Date.parse(message.createdAt) >= range.notBeforeMs;
    if (!isMissed) return [];
    return [{ id: updateId, spaceId: message.spaceId, at: message.createdAt, event: { type: 'message', message } }];
  });
}
