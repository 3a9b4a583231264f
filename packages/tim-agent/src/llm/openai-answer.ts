import { z } from 'zod';
import { LlmError, type LlmReply, type LlmRequest, type LlmUsage } from './llm-provider';
import { estimateUsage } from './token-estimate';

// The SDK types what an endpoint answers but does not check it; an OpenAI-compatible server may send anything.

const ReportedUsage = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  })
  .loose();
type ReportedUsage = z.infer<typeof ReportedUsage>;

/** A whole chat completion, the answer to a plain request. */
export const ChatCompletionAnswer = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }).loose() }).loose()).min(1),
  usage: ReportedUsage.nullish(),
});

/**
 * One chunk of a streamed completion. With `stream_options.include_usage` the last chunk has
 * no choices and the usage of the whole request; some servers put it on the last text chunk.
 */
export const ChatCompletionChunk = z
  .object({
    choices: z
      .array(z.object({ delta: z.object({ content: z.string().nullish() }).loose().nullish() }).loose())
      .nullish(),
    usage: ReportedUsage.nullish(),
  })
  .loose();

export function toLlmUsage(usage: ReportedUsage): LlmUsage {
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    isEstimated: false,
  };
}

/** The reply in a plain request's answer; throws `LlmError` when it holds none. */
export function readAnswer(answer: unknown, request: LlmRequest): LlmReply {
  const parsed = ChatCompletionAnswer.safeParse(answer);
  if (!parsed.success)
    throw new LlmError('invalid_response', 'The LLM endpoint answered something that is not a chat completion.');
  const text = parsed.data.choices[0]?.message.content?.trim() ?? '';
  if (text === '') throw new LlmError('empty_response', 'The LLM endpoint answered without any text.');
  const usage = parsed.data.usage;
  // Some local servers report no usage; an estimate keeps the daily budget meaningful.
  return { text, usage: usage ? toLlmUsage(usage) : estimateUsage(request.messages, text) };
}
