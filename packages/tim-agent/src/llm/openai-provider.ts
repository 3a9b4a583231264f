import { setTimeout as delay } from 'node:timers/promises';
import OpenAI from 'openai';
import { z } from 'zod';
import { createCallSignal } from './call-signal';
import { LlmError, type LlmProvider, type LlmReply, type LlmRequest, type LlmUsage } from './llm-provider';
import { DEFAULT_MAX_RETRY_AFTER_MS, retryDelayMs } from './retry-delay';
import { estimateTokens } from './token-estimate';

export interface OpenAiProviderOptions {
  /** Endpoint base URL including `/v1`, e.g. http://127.0.0.1:11434/v1; the SDK default is OpenAI's. */
  baseURL?: string;
  /** Bearer key; local servers such as Ollama accept any placeholder. */
  apiKey: string;
  /** One request's timeout in ms. @default 30000 */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx, timeouts and network failures, with exponential backoff. @default 2 */
  maxRetries?: number;
  /** Longest wait before a retry when the endpoint sends `Retry-After`, in ms. @default 30000 */
  maxRetryAfterMs?: number;
}

// The SDK types the answer but does not check it; an OpenAI-compatible server may send anything.
const ChatCompletionAnswer = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }).loose() }).loose()).min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
      total_tokens: z.number().int().nonnegative(),
    })
    .loose()
    .nullish(),
});

/** An `LlmProvider` for any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, llama.cpp). */
export function createOpenAiProvider(options: OpenAiProviderOptions): LlmProvider {
  const maxRetries = options.maxRetries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    // Retries are ours: the SDK sleeps for any Retry-After, however long, and its sleep
    // ignores the abort signal, so a stopping agent would wait it out.
    maxRetries: 0,
    // The SDK would otherwise log with console; failures reach our logger as LlmError.
    logLevel: 'off',
    fetch: fetchWithErrorsFromAnyRealm,
  });

  async function createWithRetries(request: LlmRequest, signal: AbortSignal): Promise<unknown> {
    const body = {
      model: request.model,
      temperature: request.temperature,
      messages: request.messages,
      ...(request.maxReplyTokens !== undefined && { max_tokens: request.maxReplyTokens }),
    };
    for (let retryIndex = 0; ; retryIndex += 1) {
      try {
        return await client.chat.completions.create(body, { signal });
      } catch (err) {
        if (retryIndex >= maxRetries || !isRetryable(err)) throw toLlmError(err);
        const headers = err instanceof OpenAI.APIError ? err.headers : undefined;
        await delay(retryDelayMs({ retryIndex, headers, maxRetryAfterMs }), undefined, { signal }).catch(
          (cause: unknown) => {
            throw signal.aborted ? new LlmError('aborted', 'The LLM request was aborted.', { cause }) : cause;
          },
        );
      }
    }
  }

  return {
    async complete(request: LlmRequest): Promise<LlmReply> {
      const call = createCallSignal(request.signal);
      try {
        return readAnswer(await createWithRetries(request, call.signal), request);
      } finally {
        call.release();
      }
    },
  };
}

/** What the SDK itself would retry: 408, 409, 429, 5xx (unless `x-should-retry` says otherwise), timeouts, network failures. */
function isRetryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError) return false;
  if (err instanceof OpenAI.APIConnectionError) return true;
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return false;
  const shouldRetry = err.headers?.get('x-should-retry');
  if (shouldRetry === 'true' || shouldRetry === 'false') return shouldRetry === 'true';
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}

function readAnswer(answer: unknown, request: LlmRequest): LlmReply {
  const parsed = ChatCompletionAnswer.safeParse(answer);
  if (!parsed.success)
    throw new LlmError('invalid_response', 'The LLM endpoint answered something that is not a chat completion.');
  const text = parsed.data.choices[0]?.message.content?.trim() ?? '';
  if (text === '') throw new LlmError('empty_response', 'The LLM endpoint answered without any text.');
  const usage = parsed.data.usage;
  return {
    text,
    usage: usage
      ? {
          promptTokens: usage.prompt_tokens,
          completionTokens: usage.completion_tokens,
          totalTokens: usage.total_tokens,
          isEstimated: false,
        }
      : estimateUsage(request, text),
  };
}

// Some local servers report no usage; an estimate keeps the daily budget meaningful.
function estimateUsage(request: LlmRequest, text: string): LlmUsage {
  const promptTokens = estimateTokens(request.messages.map((message) => message.content).join(''));
  const completionTokens = estimateTokens(text);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, isEstimated: true };
}

/**
 * Node's fetch rejects an aborted request with a DOMException, which is not an `Error` of the
 * calling realm inside VM sandboxes such as jest's; the SDK then loses its name and reports
 * its own timeout as a connection failure. Rethrowing it as an `Error` of this realm, with the
 * same name, keeps timeouts recognisable everywhere.
 */
async function fetchWithErrorsFromAnyRealm(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (err instanceof Error || typeof err !== 'object' || err === null) throw err;
    const { name, message } = err as { name?: unknown; message?: unknown };
    const error = new Error(typeof message === 'string' ? message : 'fetch failed', { cause: err });
    if (typeof name === 'string') error.name = name;
    throw error;
  }
}

function toLlmError(err: unknown): LlmError {
  if (err instanceof OpenAI.APIUserAbortError)
    return new LlmError('aborted', 'The LLM request was aborted.', { cause: err });
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('timeout', 'The LLM endpoint did not answer in time.', { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new LlmError('network', 'The LLM endpoint could not be reached.', { cause: err });
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    const status = err.status;
    if (status === 429)
      return new LlmError('rate_limited', 'The LLM endpoint kept answering 429.', { status, cause: err });
    if (status >= 500) {
      return new LlmError('server_error', `The LLM endpoint kept answering ${status}.`, { status, cause: err });
    }
    return new LlmError('http_error', `The LLM endpoint answered ${status}.`, { status, cause: err });
  }
  // The SDK throws a plain error (e.g. a JSON SyntaxError) for a body it cannot read.
  return new LlmError('invalid_response', 'The LLM endpoint answered something unreadable.', { cause: err });
}
