import type { Message, MessageStreamMark, MessageUpdate, Reaction, SpaceId, Timite } from '@tim/protocol';
import type { AppendResult, NewMessage } from './storage';

/** What a backend reads, inside its append transaction, before deciding. */
export interface AppendState {
  /** The target space's counters, undefined when the space does not exist. */
  space: { headId: number; agentStreak: number } | undefined;
  /** The sender's earlier update with the same clientMsgId, if any. */
  original: MessageUpdate | undefined;
  sender: Timite | undefined;
  /**
   * Whether the message `replyTo` names is one of the target space's (a tombstone counts).
   * Read only when the input has `replyTo`; absent counts as not found.
   */
  replyFound?: boolean;
}

/** The message row a backend must write, and the space counters it must set with it. */
export interface InsertPlan {
  action: 'insert';
  updateId: number;
  agentStreak: number;
  sender: Timite;
}

/** Either an answer that writes nothing, or the row a backend must write. */
export type AppendPlan = { action: 'answer'; result: AppendResult } | InsertPlan;

/**
 * The append rules, shared by every backend so that they cannot drift apart. The order
 * matters: a retried clientMsgId is answered with its original even when its reply target or
 * the agent loop guard would now refuse a new message, so a client's retry never turns into
 * an error.
 */
export function planAppend(input: NewMessage, state: AppendState): AppendPlan {
  const { space, original, sender } = state;
  if (sender === undefined) {
    // A programming error, not an outcome: the domain only appends for timites it resolved.
    throw new Error(`appendMessage: unknown sender id ${input.senderId}`);
  }
  if (space === undefined) return answer({ outcome: 'space_not_found' });
  if (original !== undefined) {
    const message = original.event.message;
    const isSameMessage = message.spaceId === input.spaceId && message.content === input.content;
    return answer(isSameMessage ? { outcome: 'duplicate', update: original } : { outcome: 'client_msg_id_conflict' });
  }
  if (input.replyTo !== undefined && state.replyFound !== true) return answer({ outcome: 'reply_not_found' });
  if (sender.kind === 'agent' && space.agentStreak >= input.maxAgentStreak) {
    return answer({ outcome: 'agent_turn_limit' });
  }
  return {
    action: 'insert',
    updateId: space.headId + 1,
    // The streak counts the space's trailing run of agent messages; a human ends it.
    agentStreak: sender.kind === 'agent' ? space.agentStreak + 1 : 0,
    sender,
  };
}

function answer(result: AppendResult): AppendPlan {
  return { action: 'answer', result };
}

/** A stored message as both backends hold it, before it is shaped for the wire. */
export interface StoredMessage {
  updateId: number;
  messageId: number;
  spaceId: SpaceId;
  sender: Timite;
  content: string;
  mentions: number[];
  createdAt: Date;
  clientMsgId: string | undefined;
  stream?: MessageStreamMark | undefined;
  /** What issue 17 added; each appears on the message only when it has a value. */
  replyTo?: number | undefined;
  editedAt?: Date | undefined;
  deletedAt?: Date | undefined;
  deletedBy?: number | undefined;
  /** Absent or empty when nobody reacted. */
  reactions?: Reaction[] | undefined;
}

/** The protocol's Update for a message; `clientMsgId` appears only when the sender gave one. */
export function toMessageUpdate(stored: StoredMessage): MessageUpdate {
  const createdAt = stored.createdAt.toISOString();
  const message: Message = {
    id: stored.messageId,
    spaceId: stored.spaceId,
    sender: { id: stored.sender.id, nick: stored.sender.nick, kind: stored.sender.kind },
    content: stored.content,
    mentions: [...stored.mentions],
    createdAt,
    ...(stored.clientMsgId === undefined ? {} : { clientMsgId: stored.clientMsgId }),
    ...(stored.stream === undefined ? {} : { stream: { ...stored.stream } }),
    ...(stored.replyTo === undefined ? {} : { replyTo: stored.replyTo }),
    ...(stored.editedAt === undefined ? {} : { editedAt: stored.editedAt.toISOString() }),
    ...(stored.deletedAt === undefined ? {} : { deletedAt: stored.deletedAt.toISOString() }),
    ...(stored.deletedBy === undefined ? {} : { deletedBy: stored.deletedBy }),
    ...(stored.reactions === undefined || stored.reactions.length === 0
      ? {}
      : { reactions: structuredClone(stored.reactions) }),
  };
  // The space accepts a message when it is created, so the update's time is the message's.
  return { id: stored.updateId, spaceId: stored.spaceId, at: createdAt, event: { type: 'message', message } };
}

/** The update a planned insert creates, once the backend has assigned the message id. */
export function toCreatedUpdate(input: NewMessage, plan: InsertPlan, messageId: number): MessageUpdate {
  return toMessageUpdate({
    updateId: plan.updateId,
    messageId,
    spaceId: input.spaceId,
    sender: plan.sender,
    content: input.content,
    mentions: input.mentions,
    createdAt: input.createdAt,
    clientMsgId: input.clientMsgId,
    stream: input.stream,
    replyTo: input.replyTo,
  });
}
