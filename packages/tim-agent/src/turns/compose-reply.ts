import type { TimClient, Timite } from '@tim/protocol';
import type { Persona } from '../persona/persona-schema';
import type { LlmProvider, LlmUsage } from '../llm/llm-provider';
import { LlmError } from '../llm/llm-provider';
import { buildPrompt, toMessageContent } from '../prompt/build-prompt';

export interface ComposeReplyOptions {
  client: TimClient;
  llm: LlmProvider;
  persona: Persona;
  self: Timite;
  spaceId: string;
  /** The newest update id the agent knows; the history given to the model ends there. */
  throughUpdateId: number;
  /** The updates this turn answers; their messages are marked in the prompt. */
  triggerIds: readonly number[];
  /** The server's longest message in code points; the reply is cut to it. */
  maxContentChars: number;
  /** Called as soon as the LLM answered, so the tokens count even when posting fails. */
  recordUsage: (usage: LlmUsage) => void;
  signal: AbortSignal;
}

/**
 * The text of one reply: reads the space's recent history and who is online, and asks the LLM.
 * Throws `LlmError` when the model gave nothing postable, `TimClientError` when the server
 * could not be read, and the stop signal's reason once the agent is stopping.
 */
export async function composeReply(options: ComposeReplyOptions): Promise<string> {
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
  const reply = await options.llm.complete({
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
    signal: options.signal,
  });
  options.recordUsage(reply.usage);
  const content = toMessageContent(reply.text, self.nick, options.maxContentChars);
  if (content === undefined) throw new LlmError('empty_response', "The LLM answered only the agent's own name.");
  // A reply that finished after the agent was told to stop is not posted.
  options.signal.throwIfAborted();
  return content;
}
