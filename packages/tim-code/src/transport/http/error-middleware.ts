import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { RequestAbortedError } from './body';
import { TimError, toErrorBody, toTimError } from '../../domain/tim-error';
import { requestIdOf } from './request-context';
import { errorStack } from '../../error-text';
import type { HeaderList } from './cross-origin';
import { writeJson } from './write-json';

/** Express's router marks a path segment it cannot percent-decode: a URIError with status 400. */
function isUndecodablePath(err: unknown): boolean {
  return err instanceof URIError && (err as URIError & { status?: unknown }).status === 400;
}

export function notFound(req: Request): never {
  throw new TimError('not_found', `No route ${req.method} ${req.path}.`);
}

/** What a failed request is answered with; an unexpected error is logged once, with the request id the client also got. */
function toHttpError(err: unknown, { logger, requestId, method, path }: ErrorContext): TimError {
  return (
    (isUndecodablePath(err)
      ? new TimError('invalid_request', 'The path is not validly percent-encoded.')
      : undefined) ??
    toTimError(err, (original) =>
      logger.error('request failed', { requestId, method, path, error: errorStack(original) }),
    )
  );
}

/** What a failed request's answer is written with, beside the error. */
export interface ErrorContext {
  logger: Logger;
  /** Counts requests the client aborted. */
  metrics: Metrics;
  requestId: string;
  method: string;
  path: string;
  /** Headers for the answer not yet set on `res` (name, value…), as for a success. */
  headers?: HeaderList;
}

/**
 * The one funnel for HTTP failures, of the Express stack and of the posting route:
 * `{ error: { code, message, details? } }`, never a stack, with Retry-After when the error
 * has one. Unexpected errors are logged once, with the request id the client also got. An
 * answer already under way is cut off. A request the client aborted is nobody's failure:
 * it is counted (tim_http_requests_aborted_total) and logged at debug, as aborts are common.
 */
export function answerError(err: unknown, res: ServerResponse, context: ErrorContext): void {
  if (err instanceof RequestAbortedError) {
    context.metrics.requestsAborted.inc();
    const { requestId, method, path } = context;
    context.logger.debug('request aborted by the client', { requestId, method, path });
    res.destroy();
    return;
  }
  const timError = toHttpError(err, context);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers = [...(context.headers ?? [])];
  if (timError.retryAfterSeconds !== undefined) headers.push('Retry-After', String(timError.retryAfterSeconds));
  writeJson(res, timError.httpStatus, toErrorBody(timError), headers);
}

export function errorMiddleware(logger: Logger, metrics: Metrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    answerError(err, res, { logger, metrics, requestId: requestIdOf(res), method: req.method, path: req.path });
  };
}
