import type { Update } from '@tim/protocol';

/**
 * The timite who caused an update: a message's sender, the editor (always the sender), the
 * deleter, the reactor, an ability's caller, the target that answered (or, timed out, did not). `receiveOwnMessages: false` skips the updates a subscriber caused.
 */
export function actorOf(update: Update): number {
  const { event } = update;
  switch (event.type) {
    case 'message':
      return event.message.sender.id;
    case 'message_edited':
      return event.editedBy;
    case 'message_deleted':
      return event.deletedBy;
    case 'reaction':
      return event.timite.id;
    case 'ability_call':
      return event.caller.id;
    case 'ability_outcome':
      return event.target.id;
  }
}
