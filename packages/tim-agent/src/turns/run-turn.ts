import type { Message, TimClient, Timite } from '@tim/protocol';
import type { Persona } from '../persona/persona-schema';
import type { LlmProvider, LlmUsage } from '../llm/llm-provider';
import { LlmError } from '../llm/llm-provider';
import { buildPrompt, toMessageContent } from '../prompt/build-prompt';

export interface TurnOptions {
  client: TimClient;
  llm: LlmProvider;
  persona: Persona;
  self: Timite;
  spaceId: string;
  /** The newest update id the agent knows; the history given to the model ends there. */
  throughUpdateId: number;
  /** The server's longest message in code points; the reply is cut to it. */
  maxContentChars: number;
  /** Called as soon as the LLM answered, so the tokens count even when posting fails. */
  recordUsage: (usage: LlmUsage) => void;
  signal: AbortSignal;
}

export interface PostedReply {
  updateId: number;
  message: Message;
}

/**
 * One turn: read the space's recent history and who is online, ask the LLM, post its answer.
 * Throws `LlmError` when the model gave nothing postable and `TimClientError` when the server
 * refused; the caller logs and skips.
 */
export async function runTurn(options: TurnOptions): Promise<PostedReply> {
  const { client, persona, self, spaceId } = options;
  const [page, present] = await Promise.all([
    client.readUpdates(spaceId, { before: options.throughUpdateId + 1, limit: persona.historyMessages }),
    client.presence(spaceId),
  ]);
  const history = page.updates.flatMap((update) => (update.event.type === 'message' ? [update.event.message] : []));
  const reply = await options.llm.complete({
    model: persona.llm.model,
    temperature: persona.llm.temperature,
    ...(persona.llm.maxReplyTokens !== undefined && { maxReplyTokens: persona.llm.maxReplyTokens }),
    messages: buildPrompt({ systemPrompt: persona.systemPrompt, self, spaceId, history, present }),
    signal: options.signal,
  });
  options.recordUsage(reply.usage);
  const content = toMessageContent(reply.text, self.nick, options.maxContentChars);
  if (content === undefined) throw new LlmError('empty_response', "The LLM answered only the agent's own name.");
  // A reply that finished after the agent was told to stop is not posted.
  options.signal.throwIfAborted();
  const posted = await client.sendMessage(spaceId, content);
  return { updateId: posted.updateId, message: posted.message };
}
