import OpenAI from 'openai';
import { ChatCompletionChunk, toLlmUsage } from './openai-answer';
import { toLlmError } from './openai-errors';
import { LlmError, type LlmFailureKind, type LlmReply, type LlmRequest, type OnReplyText } from './llm-provider';
import { estimateUsage } from './token-estimate';

export interface ReadReplyStreamOptions {
  request: LlmRequest;
  onText: OnReplyText;
  /** Longest wait for the next chunk, in ms; the SDK's own timeout ends once the headers arrived. */
  idleTimeoutMs: number;
  /** The call's signal: aborted by the caller, or by `stop` here. */
  signal: AbortSignal;
  /** Aborts the request (the SDK closes the connection). */
  stop: () => void;
}

/**
 * Reads the chunks of a streamed chat completion into one reply: hands each piece of text to
 * `onText` as it arrives, and takes the usage from the chunk that carries it, estimating it
 * when none does. A stream cut short (aborted, gone idle, broken off) throws `LlmError` with
 * the usage estimated from the text that arrived.
 */
export async function readReplyStream(
  chunks: AsyncIterable<unknown>,
  options: ReadReplyStreamOptions,
): Promise<LlmReply> {
  const { request, signal } = options;
  let text = '';
  let chunkCount = 0;
  let reported: LlmReply['usage'] | undefined;
  let isIdle = false;
  const idle = setTimeout(() => {
    isIdle = true;
    options.stop();
  }, options.idleTimeoutMs);
  const cutShort = (kind: LlmFailureKind, message: string, cause?: unknown): LlmError =>
    new LlmError(kind, message, { cause, usage: reported ?? estimateUsage(request.messages, text) });
  // The SDK ends the iteration quietly when its request is aborted, so how it ended is read here.
  const whyCutShort = (): LlmError | undefined => {
    if (isIdle) return cutShort('timeout', 'The LLM endpoint stopped sending its reply.');
    if (signal.aborted) return cutShort('aborted', 'The LLM request was aborted.');
    return undefined;
  };
  try {
    for await (const chunk of chunks) {
      idle.refresh();
      chunkCount += 1;
      const parsed = ChatCompletionChunk.safeParse(chunk);
      if (!parsed.success)
        throw cutShort('invalid_response', 'The LLM endpoint streamed something that is not a chunk.');
      const piece = parsed.data.choices?.[0]?.delta?.content ?? '';
      if (parsed.data.usage) reported = toLlmUsage(parsed.data.usage);
      if (piece === '') continue;
      text += piece;
      options.onText(piece);
    }
  } catch (err) {
    throw whyCutShort() ?? readFailure(err, cutShort);
  } finally {
    clearTimeout(idle);
  }
  const cut = whyCutShort();
  if (cut !== undefined) throw cut;
  if (chunkCount === 0) throw cutShort('invalid_response', 'The LLM endpoint answered an empty stream.');
  const reply = text.trim();
  if (reply === '') throw cutShort('empty_response', 'The LLM endpoint answered without any text.');
  return { text: reply, usage: reported ?? estimateUsage(request.messages, reply) };
}

function readFailure(err: unknown, cutShort: (kind: LlmFailureKind, message: string, cause?: unknown) => LlmError) {
  if (err instanceof LlmError) return err;
  if (err instanceof SyntaxError)
    return cutShort('invalid_response', 'The LLM endpoint streamed unreadable data.', err);
  // fetch's own error when the connection breaks off mid-body ("terminated"), not the SDK's.
  if (!(err instanceof OpenAI.OpenAIError)) return cutShort('network', 'The LLM stream broke off.', err);
  const mapped = toLlmError(err);
  return cutShort(mapped.kind, mapped.message, err);
}
