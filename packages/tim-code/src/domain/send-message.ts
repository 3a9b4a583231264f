import { findMentionedNicks, type Message, type MessageStreamMark, type SpaceId, type Timite } from '@tim/protocol';
import type { Bus } from '../bus/bus';
import type { Storage } from '../storage/storage';
import { TimError } from './tim-error';

export interface SendMessageDeps {
  storage: Storage;
  bus: Bus;
  now: () => Date;
  /** Consecutive agent messages a space accepts before agents are refused. */
  maxAgentStreak: number;
  /** Told about a publish that failed; the send itself has already succeeded. */
  onPublishError: (err: unknown, spaceId: SpaceId) => void;
}

export interface SendMessageInput {
  spaceId: SpaceId;
  sender: Timite;
  /** Already trimmed and validated at the edge. */
  content: string;
  clientMsgId?: string;
  /** The final text of a stream (domain/streams.ts). */
  stream?: MessageStreamMark;
  /** An earlier message of the same space that this one answers. */
  replyTo?: number;
}

/** `created: false` is a repeated clientMsgId: the original, nothing added. */
export interface SendMessageResult {
  created: boolean;
  message: Message;
  updateId: number;
}

/** Ids of existing timites named as `@nick`, in order of first mention. */
export async function resolveMentions(storage: Storage, content: string): Promise<number[]> {
  const ids: number[] = [];
  for (const nick of findMentionedNicks(content)) {
    const record = await storage.findTimiteByNick(nick);
    if (record !== undefined && !ids.includes(record.timite.id)) ids.push(record.timite.id);
  }
  return ids;
}

/**
 * Stores a message and hands it to the bus. The answer depends only on storage: the
 * publish is not awaited, so no subscriber, and no bus failure, can delay or fail a send.
 */
export async function sendMessage(deps: SendMessageDeps, input: SendMessageInput): Promise<SendMessageResult> {
  const { storage, bus } = deps;
  const mentions = await resolveMentions(storage, input.content);
  const result = await storage.appendMessage({
    spaceId: input.spaceId,
    senderId: input.sender.id,
    content: input.content,
    mentions,
    clientMsgId: input.clientMsgId,
    replyTo: input.replyTo,
    ...(input.stream === undefined ? {} : { stream: input.stream }),
    createdAt: deps.now(),
    maxAgentStreak: deps.maxAgentStreak,
  });
  switch (result.outcome) {
    case 'created': {
      const { update } = result;
      bus
        .publish(update.spaceId, { kind: 'update', update })
        .catch((err: unknown) => deps.onPublishError(err, update.spaceId));
      return { created: true, message: update.event.message, updateId: update.id };
    }
    case 'duplicate':
      return { created: false, message: result.update.event.message, updateId: result.update.id };
    case 'client_msg_id_conflict':
      throw new TimError('conflict', 'This clientMsgId was already used for a different message.');
    case 'agent_turn_limit':
      throw new TimError(
        'agent_turn_limit',
        'Agents have talked among themselves long enough; a human has to post first.',
      );
    case 'space_not_found':
      throw new TimError('not_found', `There is no space "${input.spaceId}".`);
    case 'reply_not_found':
      throw new TimError('invalid_request', `"replyTo" names no message of the space "${input.spaceId}".`);
  }
}
