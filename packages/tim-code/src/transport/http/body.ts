import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import express from 'express';
import type { z } from 'zod';
import { TimError } from '../../domain/tim-error';
import type { NodeMiddleware } from './node-middleware';

function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The client went away before its body arrived (a cut connection, a closed tab): nobody is
 * left to answer. Counted and logged at debug by the error funnel, never an error.
 */
export class RequestAbortedError extends Error {
  constructor(options: { cause: unknown }) {
    super('The client aborted the request before its body arrived.', options);
    this.name = 'RequestAbortedError';
  }
}

interface BodyParserError {
  type?: unknown;
  code?: unknown;
  status?: unknown;
}

/** Node's and raw-body's words for a connection cut while the body was read. */
const ABORTED_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE']);

/**
 * express.json's failures in the protocol's words. Whatever does not decode (JSON, a
 * Content-Encoding's bytes) is the client's 400; what is left is passed on as it is, and the
 * funnel answers it with 500 and logs it.
 */
function fromBodyParser(err: unknown, req: IncomingMessage): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const { type, code, status } = err as BodyParserError;
  if (type === 'request.aborted' || (typeof code === 'string' && ABORTED_CODES.has(code)))
    return new RequestAbortedError({ cause: err });
  switch (type) {
    case 'entity.too.large':
      return new TimError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new TimError('invalid_request', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
      return new TimError('unsupported_media_type', 'Send the body uncompressed, or as gzip, deflate or br.');
    case 'charset.unsupported':
      return new TimError('unsupported_media_type', 'Send the body as UTF-8 JSON.');
    case 'request.size.invalid':
      return new TimError('invalid_request', 'The request body does not have the length its Content-Length says.');
  }
  // body-parser hands the inflater's own error on with status 400 (zlib's Z_DATA_ERROR,
  // a truncated stream, brotli's decoder errors).
  const encoding = req.headers['content-encoding'];
  if (status === 400 && encoding !== undefined && encoding.toLowerCase() !== 'identity')
    return new TimError('invalid_request', `The request body is not valid ${encoding} (Content-Encoding).`);
  return err;
}

/**
 * The API's one JSON body parser, for every route: `express.json` (strict: only an object
 * or array at the top level; a UTF charset; gzip, deflate and br inflated; at most
 * TIM_MAX_BODY_BYTES, else 413), and 415 for a body that is not `application/json`, which
 * express.json leaves unread. Its failures become TimErrors (or RequestAbortedError) here.
 * Sets `req.body` (undefined without a body).
 */
export function createJsonBodyParser(maxBodyBytes: number): NodeMiddleware {
  const parseJson = express.json({ limit: maxBodyBytes }) as unknown as NodeMiddleware;
  return (req, res, next) => {
    parseJson(req, res, (err) => {
      if (err !== undefined && err !== null) next(fromBodyParser(err, req));
      else if (hasBody(req.headers) && bodyOf(req) === undefined)
        next(new TimError('unsupported_media_type', 'Send the body as application/json.'));
      else next();
    });
  };
}

/** The body `createJsonBodyParser` parsed: undefined when the request had none. */
export function bodyOf(req: IncomingMessage): unknown {
  return (req as IncomingMessage & { body?: unknown }).body;
}

/** Turns a zod failure into one sentence that names the field, plus all issues as details. */
export function describeIssues(error: z.ZodError): {
  message: string;
  details: Array<{ path: string; message: string }>;
} {
  const details = error.issues.map((issue) => ({
    path: issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.join('.'),
    message: issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}.` : issue.message,
  }));
  const first = error.issues[0];
  let message = 'The request is not valid.';
  if (first?.code === 'unrecognized_keys')
    message = `Unknown field(s): ${first.keys.map((key) => `"${key}"`).join(', ')}.`;
  else if (first !== undefined && first.path.length > 0) message = `Field "${first.path.join('.')}": ${first.message}`;
  else if (first !== undefined) message = `The request is not valid: ${first.message}`;
  return { message, details };
}

/** Parses a body, query or param at the edge; the domain receives only typed values. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { message, details } = describeIssues(result.error);
  throw new TimError('invalid_request', message, { details });
}
