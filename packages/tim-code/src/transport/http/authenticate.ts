import type { NextFunction, Request, Response } from 'express';
import type { Authenticated, Sessions } from '../../domain/sessions';
import { TimError } from '../../domain/tim-error';
import { setAuthenticated } from './request-context';

const BEARER = /^Bearer ([^\s]{1,512})$/i;

/** Resolves an `Authorization: Bearer <key>` header to a timite, or throws `unauthenticated`. */
export async function authenticateBearer(
  sessions: Sessions,
  authorization: string | undefined,
): Promise<Authenticated> {
  const key = BEARER.exec(authorization ?? '')?.[1];
  if (key === undefined) throw new TimError('unauthenticated', 'Send "Authorization: Bearer <key>".');
  const auth = await sessions.authenticate(key);
  if (auth === undefined) throw new TimError('unauthenticated', 'That key is not valid (expired or logged out?).');
  return auth;
}

/** Resolves `Authorization: Bearer <key>` to a timite or answers 401. */
export function requireSession(sessions: Sessions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    setAuthenticated(res, await authenticateBearer(sessions, req.get('authorization')));
    next();
  };
}
