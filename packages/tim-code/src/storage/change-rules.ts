import type { MessageDeletion } from './storage';

/*
 * Who may change a message, shared by every backend so that they cannot drift apart. Each
 * backend first finds the message in the named space (else `not_found`), then asks these
 * rules, inside the transaction that appends the change. Permission comes before the state
 * of the message: a timite who may not change a message learns nothing more about it.
 */

/** What the rules need to know of the message a change names. */
export interface ChangeTarget {
  senderId: number;
  /** A tombstone (deletedAt is set). */
  deleted: boolean;
}

/** Only the sender edits; a tombstone cannot be edited. */
export function decideEdit(target: ChangeTarget, editorId: number): 'allowed' | 'forbidden' | 'deleted' {
  if (target.senderId !== editorId) return 'forbidden';
  return target.deleted ? 'deleted' : 'allowed';
}

/** Only the sender deletes, unless as a moderator; deleting a tombstone changes nothing. */
export function decideDelete(
  target: ChangeTarget,
  deletion: Pick<MessageDeletion, 'actorId' | 'asModerator'>,
): 'allowed' | 'forbidden' | 'unchanged' {
  if (target.senderId !== deletion.actorId && deletion.asModerator !== true) return 'forbidden';
  return target.deleted ? 'unchanged' : 'allowed';
}

/** Anyone reacts; a tombstone takes no reactions. */
export function decideReaction(target: ChangeTarget): 'allowed' | 'deleted' {
  return target.deleted ? 'deleted' : 'allowed';
}
