import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger';
import { TimError, toErrorBody, toTimError } from '../../domain/tim-error';
import { requestIdOf } from './request-context';
import { errorStack } from '../../error-text';

interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

/** express.json's failures, in the protocol's words. */
function fromBodyParser(err: BodyParserError): TimError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new TimError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new TimError('invalid_request', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new TimError('unsupported_media_type', 'Send the body as UTF-8 JSON.');
    default:
      return undefined;
  }
}

export function notFound(req: Request): never {
  throw new TimError('not_found', `No route ${req.method} ${req.path}.`);
}

/** What a failed request is answered with; an unexpected error is logged once, with the request id the client also got. */
export function toHttpError(
  err: unknown,
  { logger, requestId, method, path }: { logger: Logger; requestId: string; method: string; path: string },
): TimError {
  return (
    (isBodyParserError(err) ? fromBodyParser(err) : undefined) ??
    toTimError(err, (original) =>
      logger.error('request failed', { requestId, method, path, error: errorStack(original) }),
    )
  );
}

/**
 * The one funnel for HTTP failures: `{ error: { code, message, details? } }`, never a stack.
 * Unexpected errors are logged once, with the request id the client also got.
 */
export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const timError = toHttpError(err, { logger, requestId: requestIdOf(res), method: req.method, path: req.path });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (timError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(timError.retryAfterSeconds));
    res.status(timError.httpStatus).json(toErrorBody(timError));
  };
}
