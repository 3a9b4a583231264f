import type { Message, MessageChangeResponse, SpaceId, Timite, Update } from '@tim/protocol';
import type { Bus } from '../bus/bus';
import type { CurrentMessage, MessageChangeResult, MessageRef, Storage } from '../storage/storage';
import { resolveMentions } from './send-message';
import { TimError } from './tim-error';

/*
 * Edits, deletes and reactions: each change is a timeline update, stored in the same
 * transaction as the change and published on the bus exactly like a new message, so every
 * subscriber gets it live and in order through the hub.
 */

export interface MessageChangeDeps {
  storage: Storage;
  bus: Bus;
  now: () => Date;
  /** Distinct emoji one message may carry (TIM_MAX_REACTIONS_PER_MESSAGE). */
  maxReactionsPerMessage: number;
  /** Reactions one timite may put on one message (TIM_MAX_REACTIONS_PER_TIMITE). */
  maxReactionsPerTimite: number;
  /** Told about a publish that failed; the change itself has already succeeded. */
  onPublishError: (err: unknown, spaceId: SpaceId) => void;
}

function notFound(ref: MessageRef): TimError {
  return new TimError('not_found', `There is no message ${ref.messageId} in the space "${ref.spaceId}".`);
}

function publish(deps: MessageChangeDeps, update: Update): void {
  deps.bus
    .publish(update.spaceId, { kind: 'update', update })
    .catch((err: unknown) => deps.onPublishError(err, update.spaceId));
}

/** The message as it is now, with the id of the update that added it. */
export async function getMessage(deps: Pick<MessageChangeDeps, 'storage'>, ref: MessageRef): Promise<CurrentMessage> {
  const current = await deps.storage.getMessage(ref);
  if (current === undefined) throw notFound(ref);
  return current;
}

/** The outcomes every change shares: published when changed, refused with the protocol's codes otherwise. */
function answer(
  deps: MessageChangeDeps,
  ref: MessageRef,
  result: Exclude<MessageChangeResult, { outcome: 'reaction_limit' }>,
  forbidden: string,
): MessageChangeResponse {
  switch (result.outcome) {
    case 'changed':
      publish(deps, result.update);
      return { message: result.current.message, updateId: result.update.id };
    case 'unchanged':
      return { message: result.current.message };
    case 'not_found':
      throw notFound(ref);
    case 'forbidden':
      throw new TimError('forbidden', forbidden);
    case 'deleted':
      throw new TimError('conflict', `The message ${ref.messageId} was deleted; it cannot be changed.`);
  }
}

/** Only the sender edits; every edit is an update, also one that leaves the text as it was. */
export async function editMessage(
  deps: MessageChangeDeps,
  input: MessageRef & { editor: Timite; content: string },
): Promise<MessageChangeResponse> {
  const mentions = await resolveMentions(deps.storage, input.content);
  const result = await deps.storage.editMessage({
    spaceId: input.spaceId,
    messageId: input.messageId,
    editorId: input.editor.id,
    content: input.content,
    mentions,
    editedAt: deps.now(),
  });
  if (result.outcome === 'reaction_limit') throw new Error('An edit answered reaction_limit.');
  return answer(deps, input, result, 'Only its sender may edit a message.');
}

/**
 * Only the sender deletes, or a moderator (an owner or admin of the space, issue 19); deleting
 * a tombstone again changes nothing (no updateId).
 */
export async function deleteMessage(
  deps: MessageChangeDeps,
  input: MessageRef & { actor: Timite; asModerator?: boolean },
): Promise<MessageChangeResponse> {
  const result = await deps.storage.deleteMessage({
    spaceId: input.spaceId,
    messageId: input.messageId,
    actorId: input.actor.id,
    deletedAt: deps.now(),
    ...(input.asModerator === true ? { asModerator: true } : {}),
  });
  if (result.outcome === 'reaction_limit') throw new Error('A delete answered reaction_limit.');
  return answer(deps, input, result, 'Only its sender may delete a message.');
}

/** Which of the two reaction limits a refused reaction hit, for the refusal's sentence. */
function reactionLimitError(deps: MessageChangeDeps, message: Message | undefined, emoji: string): TimError {
  const reactions = message?.reactions ?? [];
  const isNewEmoji = !reactions.some((reaction) => reaction.emoji === emoji);
  if (isNewEmoji && reactions.length >= deps.maxReactionsPerMessage) {
    return new TimError(
      'conflict',
      `A message holds at most ${deps.maxReactionsPerMessage} different reactions (TIM_MAX_REACTIONS_PER_MESSAGE).`,
    );
  }
  return new TimError(
    'conflict',
    `A timite may put at most ${deps.maxReactionsPerTimite} reactions on one message (TIM_MAX_REACTIONS_PER_TIMITE).`,
  );
}

/** Adds (`add`) or takes back a reaction; one already there, or already gone, changes nothing. */
export async function changeReaction(
  deps: MessageChangeDeps,
  input: MessageRef & { timite: Timite; emoji: string; add: boolean },
): Promise<MessageChangeResponse> {
  const result = await deps.storage.changeReaction({
    spaceId: input.spaceId,
    messageId: input.messageId,
    timiteId: input.timite.id,
    emoji: input.emoji,
    add: input.add,
    at: deps.now(),
    maxEmojiPerMessage: deps.maxReactionsPerMessage,
    maxReactionsPerTimite: deps.maxReactionsPerTimite,
  });
  if (result.outcome === 'reaction_limit') {
    const current = await deps.storage.getMessage(input);
    throw reactionLimitError(deps, current?.message, input.emoji);
  }
  return answer(deps, input, result, 'This reaction is not yours to change.');
}
