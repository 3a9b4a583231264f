import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A connect-style middleware on Node's own request and response (cors, helmet and
 * express.json are such): Express runs it like any middleware, and the posting route, which
 * runs outside Express, runs the same instance with `runMiddleware`.
 */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Runs one middleware outside Express: resolves when it calls `next()` (or, as cors does,
 * `next(null)`), rejects with any other value it passes on, as Express would route it to the
 * error handler.
 */
export function runMiddleware(middleware: NodeMiddleware, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    middleware(req, res, (err) => {
      if (err === undefined || err === null) resolve();
      else reject(err as Error);
    });
  });
}
