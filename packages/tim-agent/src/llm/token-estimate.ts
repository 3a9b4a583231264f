/**
 * Tokens a text costs, estimated at about four characters per token: close enough for English
 * with OpenAI's and Llama's tokenizers to keep budgets meaningful without shipping a tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
