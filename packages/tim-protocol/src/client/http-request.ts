import type { z } from 'zod';
import { ErrorBody } from '../schemas/errors';
import { parseJsonText } from './parse';
import type { FetchFunction } from './platform';
import { TimClientError } from './tim-client-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest<T> {
  fetch: FetchFunction;
  url: string;
  method: HttpMethod;
  key?: string | undefined;
  body?: unknown;
  /** Parses a 2xx body; absent when the answer has none (204). */
  schema?: z.ZodType<T>;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

/**
 * Sends one request and parses its answer. Throws `TimClientError`: the server's code for a
 * non-2xx answer, 'network' when the server could not be reached or the body not read,
 * 'invalid_response' when an answer does not match the protocol.
 */
export async function requestJson<T>(request: HttpRequest<T>): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.key !== undefined) headers.authorization = `Bearer ${request.key}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method: request.method, headers };
  if (request.body !== undefined) init.body = JSON.stringify(request.body);

  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.url, init);
    text = await response.text();
  } catch (error) {
    throw new TimClientError('network', `Could not reach ${request.url}: ${describe(error)}`, { cause: error });
  }

  if (!response.ok) throw errorFromAnswer(response, text);
  if (request.schema === undefined) return { status: response.status, body: undefined as T };
  const parsed = request.schema.safeParse(parseJsonText(text));
  if (!parsed.success) {
    throw new TimClientError(
      'invalid_response',
      `The answer of ${request.method} ${request.url} does not match the protocol.`,
      {
        status: response.status,
        details: parsed.error.issues,
      },
    );
  }
  return { status: response.status, body: parsed.data };
}

function errorFromAnswer(response: Response, text: string): TimClientError {
  const status = response.status;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const parsed = ErrorBody.safeParse(parseJsonText(text));
  if (!parsed.success) {
    return new TimClientError('invalid_response', `HTTP ${status} without a protocol error body.`, {
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  const { code, message, details } = parsed.data.error;
  return new TimClientError(code, message, {
    status,
    details,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/**
 * `Retry-After` in whole seconds. The protocol sends delta-seconds; an HTTP date (which a
 * proxy may send) is turned into the seconds left until it, never below 0.
 */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const dateMs = Date.parse(value);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
