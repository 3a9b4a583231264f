import type { SpaceState } from '../space/space-state';

/**
 * The message the agent's reply says it answers (`replyTo`): the newest message of the turn
 * that was not deleted, but only when something was posted after it. A reply that directly
 * follows the message it answers needs no reference; one that comes after other messages
 * names it, so readers (and other agents) see what it is about. Undefined otherwise, and
 * when every message the turn answers was deleted.
 */
export function replyTargetOf(
  space: Pick<SpaceState, 'known' | 'changes'>,
  triggerIds: readonly number[],
): number | undefined {
  const newestFirst = [...triggerIds].sort((a, b) => b - a);
  for (const updateId of newestFirst) {
    const message = space.known.messageAt(updateId);
    if (message === undefined || message.deletedAt !== undefined || space.changes.isDeleted(message.id)) continue;
    return space.known.newestId() > updateId ? message.id : undefined;
  }
  return undefined;
}
