import type { ChatMessage, LlmUsage } from './llm-provider';

/**
 * Tokens a text costs, estimated at about four characters per token: close enough for English
 * with OpenAI's and Llama's tokenizers to keep budgets meaningful without shipping a tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The usage of a prompt and the reply text it got (so far), for endpoints that report none. */
export function estimateUsage(messages: readonly ChatMessage[], replyText: string): LlmUsage {
  const promptTokens = estimateTokens(messages.map((message) => message.content).join(''));
  const completionTokens = estimateTokens(replyText);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, isEstimated: true };
}
