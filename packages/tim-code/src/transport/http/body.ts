import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { TimError } from '../../domain/tim-error';

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/** A request that carries a body must say it is JSON: 415 otherwise. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && req.is('application/json') === false) {
    throw new TimError('unsupported_media_type', 'Send the body as application/json.');
  }
  next();
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
