import type { ErrorCode } from '../schemas/errors';

/**
 * Codes the client adds to the protocol's: the server could not be reached ('network'), its
 * answer did not match the protocol ('invalid_response'), text went to a stream that has
 * ended ('stream_ended'), or the server does not speak an extension asked for ('unsupported').
 */
export type ClientOnlyErrorCode = 'network' | 'invalid_response' | 'stream_ended' | 'unsupported';

/** A protocol code, a client-only code, or a code a newer server added. */
export type TimClientErrorCode = ErrorCode | ClientOnlyErrorCode | (string & {});

export interface TimClientErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  details?: unknown;
  /** From the `Retry-After` header, in whole seconds. */
  retryAfterSeconds?: number;
  /** The space an error frame named (a failed subscribe or activity frame). */
  spaceId?: string;
  /** The stream an error frame named (a failed stream frame). */
  streamId?: string;
  cause?: unknown;
}

/** Every failure of `TimClient` and `TimConnection`; `code` is the server's code where there was one. */
export class TimClientError extends Error {
  override readonly name = 'TimClientError';
  readonly code: TimClientErrorCode;
  readonly status?: number;
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;
  readonly spaceId?: string;
  readonly streamId?: string;

  constructor(code: TimClientErrorCode, message: string, options: TimClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.details !== undefined) this.details = options.details;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.spaceId !== undefined) this.spaceId = options.spaceId;
    if (options.streamId !== undefined) this.streamId = options.streamId;
  }
}
