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

const ToolCall = z
  .object({
    id: z.string(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string(), arguments: z.string().nullish() }).loose(),
  })
  .loose();

/** A whole chat completion, the answer to a plain request. */
export const ChatCompletionAnswer = z.object({
  choices: z
    .array(
      z
        .object({
          message: z.object({ content: z.string().nullish(), tool_calls: z.array(ToolCall).nullish() }).loose(),
        })
        .loose(),
    )
    .min(1),
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
  const message = parsed.data.choices[0]?.message;
  const text = message?.content?.trim() ?? '';
  // Tool calls count only when tools were offered: a model cannot call what it was not given.
  const toolCalls = (request.tools?.length ? (message?.tool_calls ?? []) : []).map((call) => ({
    id: call.id,
    name: call.function.name,
    arguments: call.function.arguments ?? '',
  }));
  if (text === '' && toolCalls.length === 0) {
    throw new LlmError('empty_response', 'The LLM endpoint answered without any text.');
  }
  const usage = parsed.data.usage;
  // Some local servers report no usage; an estimate keeps the daily budget meaningful.
  const estimatedText = text + toolCalls.map((call) => call.name + call.arguments).join('');
  return {
    text,
    usage: usage ? toLlmUsage(usage) : estimateUsage(request.messages, estimatedText),
    ...(toolCalls.length > 0 && { toolCalls }),
  };
}
