import type { TimClient, Timite } from '@tim/protocol';
import type { LlmRequest } from '../llm/llm-provider';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { buildPrompt } from '../prompt/build-prompt';
import type { SpaceState } from '../space/space-state';
import { readRecentMessages } from './recent-messages';
import { readRepliedTo } from './replied-to';

export interface ReplyRequestOptions {
  client: TimClient;
  persona: Persona;
  self: Timite;
  space: Pick<SpaceState, 'spaceId' | 'changes' | 'replied' | 'known'>;
  /** The newest update id the agent knows; the history given to the model ends there. */
  throughUpdateId: number;
  /** The updates this turn answers; their messages are marked in the prompt. */
  triggerIds: readonly number[];
  log: Logger;
}

/**
 * What to ask the LLM for one reply: reads the space's recent history, the older messages it
 * replies to, and who is online, and builds the prompt. Messages are shown as they are now,
 * with the edits and deletes heard live until the reads ended applied: a message deleted
 * before then is nowhere in the prompt. Throws `TimClientError` when the server could not be read.
 */
export async function buildReplyRequest(options: ReplyRequestOptions): Promise<LlmRequest> {
  const { client, persona, self, space } = options;
  const [recent, present] = await Promise.all([
    readRecentMessages(client, space.spaceId, options.throughUpdateId, persona.historyMessages),
    client.presence(space.spaceId),
  ]);
  const triggerMessageIds = new Set(
    options.triggerIds.flatMap((updateId) => {
      const message = space.known.messageAt(updateId);
      return message === undefined ? [] : [message.id];
    }),
  );
  const read = { client, space, triggerMessageIds, log: options.log };
  const repliedTo = await readRepliedTo({ ...read, history: recent });
  // Applied after every read has ended, so a change heard during the reads counts.
  const history = recent.map((message) => space.changes.current(message));
  return {
    model: persona.llm.model,
    temperature: persona.llm.temperature,
    ...(persona.llm.maxReplyTokens !== undefined && { maxReplyTokens: persona.llm.maxReplyTokens }),
    messages: buildPrompt({
      systemPrompt: persona.systemPrompt,
      self,
      spaceId: space.spaceId,
      history,
      repliedTo,
      present,
      triggerMessageIds,
      historyTokens: persona.historyTokens,
    }),
  };
}
