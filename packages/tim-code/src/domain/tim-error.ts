import { HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@tim/protocol';
import { StoreUnavailableError } from '../storage/store-unavailable';

export interface TimErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Sent as `Retry-After` over HTTP. */
  retryAfterSeconds?: number;
}

/** A failure the client is told about: a protocol error code and a sentence for a person. */
export class TimError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: TimErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'TimError';
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

export function isTimError(value: unknown): value is TimError {
  return value instanceof TimError;
}

/** How long a client is asked to wait while the database is away: reconnecting takes about that. */
const STORE_RETRY_AFTER_SECONDS = 2;

/**
 * Anything thrown becomes a TimError. An unreachable store is `unavailable` (503), to retry
 * later. Unknown failures become `internal` with a fixed
 * message, so no stack or inner message ever reaches a client; `onUnexpected` logs the
 * original once.
 */
export function toTimError(err: unknown, onUnexpected?: (err: unknown) => void): TimError {
  if (isTimError(err)) return err;
  if (err instanceof StoreUnavailableError) {
    return new TimError('unavailable', 'The database is not answering; try again shortly.', {
      cause: err,
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  }
  onUnexpected?.(err);
  return new TimError('internal', 'Something went wrong on our side.', { cause: err });
}

export function toErrorBody(err: TimError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  return body;
}
