import OpenAI from 'openai';
import { LlmError } from './llm-provider';

/** What the SDK itself would retry: 408, 409, 429, 5xx (unless `x-should-retry` says otherwise), timeouts, network failures. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError) return false;
  if (err instanceof OpenAI.APIConnectionError) return true;
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return false;
  const shouldRetry = err.headers?.get('x-should-retry');
  if (shouldRetry === 'true' || shouldRetry === 'false') return shouldRetry === 'true';
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}

/**
 * An endpoint refusing to stream: a 4xx that retrying cannot fix and whose message names
 * streaming (`stream` not supported for a model, `stream_options` unknown to an older server).
 */
export function isStreamingRefusal(err: unknown): boolean {
  return (
    err instanceof OpenAI.APIError &&
    err.status !== undefined &&
    err.status >= 400 &&
    err.status < 500 &&
    !isRetryable(err) &&
    /stream/i.test(err.message)
  );
}

export function toLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
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
  // An error event inside a stream: the SDK raises it as an APIError without a status.
  if (err instanceof OpenAI.APIError) {
    return new LlmError('server_error', 'The LLM endpoint reported an error in its stream.', { cause: err });
  }
  // The SDK throws a plain error (e.g. a JSON SyntaxError) for a body it cannot read.
  return new LlmError('invalid_response', 'The LLM endpoint answered something unreadable.', { cause: err });
}
