import type { Message, Update, UpdateEvent } from '../schemas/entities';

/*
 * How a client keeps messages current: a `message` update adds one, and `message_edited`,
 * `message_deleted` and `reaction` updates change one that came before; ability calls and
 * outcomes change none. Replayed and paged message updates already show the message as it is
 * now, so applying a change twice, or to a message read after the change, gives the same result.
 */

/** The id of the message an update adds or changes; undefined for one about no message (an ability call or outcome). */
export function messageIdOf(event: UpdateEvent): number | undefined {
  switch (event.type) {
    case 'message':
      return event.message.id;
    case 'message_edited':
    case 'message_deleted':
    case 'reaction':
      return event.messageId;
    case 'ability_call':
    case 'ability_outcome':
      return undefined;
  }
}

/**
 * The message after `update`: the same object when the update is not about it. A `message`
 * update with the same id replaces it (a newer read of the same message).
 */
export function applyToMessage(message: Message, update: Update): Message {
  const { event } = update;
  if (messageIdOf(event) !== message.id) return message;
  switch (event.type) {
    case 'message':
      return event.message;
    case 'message_edited':
      if (message.deletedAt !== undefined) return message;
      return { ...message, content: event.content, mentions: [...event.mentions], editedAt: event.editedAt };
    case 'message_deleted': {
      const { reactions: _gone, ...rest } = message;
      return { ...rest, content: '', mentions: [], deletedAt: event.deletedAt, deletedBy: event.deletedBy };
    }
    case 'reaction': {
      if (message.deletedAt !== undefined) return message;
      const { reactions: _old, ...rest } = message;
      return event.reactions.length === 0 ? rest : { ...rest, reactions: event.reactions };
    }
    case 'ability_call':
    case 'ability_outcome':
      return message;
  }
}

/**
 * The timite whose act an update records: the sender of a message, the editor, deleter or
 * reactor, the caller of an ability, the target that answered (or, for a timeout, did not).
 */
export function actorIdOf(update: Update): number {
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
