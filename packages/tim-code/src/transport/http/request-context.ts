import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Authenticated } from '../../domain/sessions';
import { TimError } from '../../domain/tim-error';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when sane, else a fresh one. */
export function chooseRequestId(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Every request gets an id (the caller's X-Request-Id when sane), echoed and logged. */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const requestId = chooseRequestId(req.headers['x-request-id']);
  res.locals['requestId'] = requestId;
  res.set('X-Request-Id', requestId);
  next();
}

export function requestIdOf(res: Response): string {
  const id: unknown = res.locals['requestId'];
  return typeof id === 'string' ? id : 'unknown';
}

export function setAuthenticated(res: Response, auth: Authenticated): void {
  res.locals['auth'] = auth;
}

/** The timite behind the request; only on routes behind `requireSession`. */
export function authenticatedOf(res: Response): Authenticated {
  const auth = res.locals['auth'] as Authenticated | undefined;
  if (auth === undefined) throw new TimError('internal', 'Route is missing authentication.');
  return auth;
}
