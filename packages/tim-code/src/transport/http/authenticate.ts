import type { NextFunction, Request, Response } from 'express';
import type { Sessions } from '../../domain/sessions';
import { TimError } from '../../domain/tim-error';
import { setAuthenticated } from './request-context';

const BEARER = /^Bearer ([^\s]{1,512})$/i;

/** Resolves `Authorization: Bearer <key>` to a timite or answers 401. */
export function requireSession(sessions: Sessions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    const key = match?.[1];
    if (key === undefined) throw new TimError('unauthenticated', 'Send "Authorization: Bearer <key>".');
    const auth = await sessions.authenticate(key);
    if (auth === undefined) throw new TimError('unauthenticated', 'That key is not valid (expired or logged out?).');
    setAuthenticated(res, auth);
    next();
  };
}
