import { setTimeout as delay } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Logger } from '../logger';
import { createCallSignal, type CallSignal } from './call-signal';
import { ChatCompletionAnswer, readAnswer } from './openai-answer';
import { isRetryable, isStreamingRefusal, toLlmError } from './openai-errors';
import { readReplyStream } from './openai-stream';
import {
  LlmError,
  type ChatMessage,
  type LlmProvider,
  type LlmReply,
  type LlmRequest,
  type LlmTool,
  type OnReplyText,
} from './llm-provider';
import { DEFAULT_MAX_RETRY_AFTER_MS, retryDelayMs } from './retry-delay';

export interface OpenAiProviderOptions {
  /** Endpoint base URL including `/v1`, e.g. http://127.0.0.1:11434/v1; the SDK default is OpenAI's. */
  baseURL?: string;
  /** Bearer key; local servers such as Ollama accept any placeholder. */
  apiKey: string;
  /**
   * One request's timeout in ms: until the answer starts, and for a stream also the longest
   * wait for its next chunk. @default 30000
   */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx, timeouts and network failures, with exponential backoff. @default 2 */
  maxRetries?: number;
  /** Longest wait before a retry when the endpoint sends `Retry-After`, in ms. @default 30000 */
  maxRetryAfterMs?: number;
  /** Where the switch to plain requests (an endpoint that cannot stream) is logged, once at info. */
  log?: Logger;
}

/**
 * An `LlmProvider` for any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp). It streams when asked to; an endpoint that refuses streaming (a 4xx naming it)
 * or ignores it (a whole completion as JSON) is asked with plain requests from then on.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): LlmProvider {
  const maxRetries = options.maxRetries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: timeoutMs,
    // Retries are ours: the SDK sleeps for any Retry-After, however long, and its sleep
    // ignores the abort signal, so a stopping agent would wait it out.
    maxRetries: 0,
    // The SDK would otherwise log with console; failures reach our logger as LlmError.
    logLevel: 'off',
    fetch: fetchWithErrorsFromAnyRealm,
  });
  let canStream = true;

  async function withRetries<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let retryIndex = 0; ; retryIndex += 1) {
      try {
        return await attempt();
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

  const requestBody = (request: LlmRequest) => ({
    model: request.model,
    temperature: request.temperature,
    messages: request.messages.map(toOpenAiMessage),
    ...(request.maxReplyTokens !== undefined && { max_tokens: request.maxReplyTokens }),
    ...(request.tools !== undefined &&
      request.tools.length > 0 && {
        tools: request.tools.map(toOpenAiTool),
        tool_choice: request.toolChoice ?? 'auto',
      }),
  });

  async function complete(request: LlmRequest): Promise<LlmReply> {
    const call = createCallSignal(request.signal);
    try {
      const body = requestBody(request);
      return readAnswer(
        await withRetries(() => client.chat.completions.create(body, { signal: call.signal }), call.signal),
        request,
      );
    } finally {
      call.release();
    }
  }

  function stopStreaming(reason: string): void {
    if (!canStream) return;
    canStream = false;
    options.log?.info('the LLM endpoint does not stream; asking with plain requests from now on', { reason });
  }

  async function streamWith(request: LlmRequest, onText: OnReplyText, call: CallSignal): Promise<LlmReply> {
    const body = { ...requestBody(request), stream: true as const, stream_options: { include_usage: true } };
    let opened;
    try {
      opened = await withRetries(
        () => client.chat.completions.create(body, { signal: call.signal }).withResponse(),
        call.signal,
      );
    } catch (err) {
      if (!(err instanceof LlmError) || !isStreamingRefusal(err.cause)) throw err;
      stopStreaming(`refused: ${err.status ?? 'no status'}`);
      return complete(request);
    }
    const { data: chunks, response } = opened;
    if (!isJson(response)) {
      return readReplyStream(chunks, {
        request,
        onText,
        idleTimeoutMs: timeoutMs,
        signal: call.signal,
        stop: call.abort,
      });
    }
    // The endpoint ignored `stream` and answered the whole completion: that is this call's reply.
    const answer = await readJsonBody(response, call.signal);
    if (ChatCompletionAnswer.safeParse(answer).success) stopStreaming('answered json');
    return readAnswer(answer, request);
  }

  return {
    complete,
    async streamReply(request, onText) {
      if (!canStream) return complete(request);
      const call = createCallSignal(request.signal);
      try {
        return await streamWith(request, onText, call);
      } finally {
        call.release();
      }
    },
  };
}

function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (message.toolCalls === undefined || message.toolCalls.length === 0) {
        return { role: 'assistant', content: message.content };
      }
      return {
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toOpenAiTool(tool: LlmTool): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

function isJson(response: Response): boolean {
  const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
  return mediaType.includes('application/json') || mediaType.endsWith('+json');
}

async function readJsonBody(response: Response, signal: AbortSignal): Promise<unknown> {
  try {
    return await response.json();
  } catch (cause) {
    if (signal.aborted) throw new LlmError('aborted', 'The LLM request was aborted.', { cause });
    throw toLlmError(cause);
  }
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
