import type { TimClient, Timite } from '@tim/protocol';
import type { LlmRequest } from '../llm/llm-provider';
import type { Persona } from '../persona/persona-schema';
import { buildPrompt } from '../prompt/build-prompt';

export interface ReplyRequestOptions {
  client: TimClient;
  persona: Persona;
  self: Timite;
  spaceId: string;
  /** The newest update id the agent knows; the history given to the model ends there. */
  throughUpdateId: number;
  /** The updates this turn answers; their messages are marked in the prompt. */
  triggerIds: readonly number[];
}

/**
 * What to ask the LLM for one reply: reads the space's recent history and who is online, and
 * builds the prompt. Throws `TimClientError` when the server could not be read.
 */
export async function buildReplyRequest(options: ReplyRequestOptions): Promise<LlmRequest> {
  const { client, persona, self, spaceId } = options;
  const [page, present] = await Promise.all([
    client.readUpdates(spaceId, { before: options.throughUpdateId + 1, limit: persona.historyMessages }),
    client.presence(spaceId),
  ]);
  const history = page.updates.flatMap((update) => (update.event.type === 'message' ? [update.event.message] : []));
  const triggerMessageIds = new Set(
    page.updates.flatMap((update) =>
      update.event.type === 'message' && options.triggerIds.includes(update.id) ? [update.event.message.id] : [],
    ),
  );
  return {
    model: persona.llm.model,
    temperature: persona.llm.temperature,
    ...(persona.llm.maxReplyTokens !== undefined && { maxReplyTokens: persona.llm.maxReplyTokens }),
    messages: buildPrompt({
      systemPrompt: persona.systemPrompt,
      self,
      spaceId,
      history,
      present,
      triggerMessageIds,
      historyTokens: persona.historyTokens,
    }),
  };
}
