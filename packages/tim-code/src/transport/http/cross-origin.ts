import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * CORS for the allowlisted browser origins only. A request from any other origin gets no
 * CORS headers at all, so the browser keeps the answer from the page (a preflight from it
 * falls through to a 404). Same-origin pages need no CORS.
 */
export function corsForOrigins(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    // Clients read these: the wait after a 429, and the id to quote in a bug report.
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
}

/**
 * helmet's defaults (nosniff, frame and referrer policies, HSTS, a same-origin CSP for the
 * served web client) plus `connect-src 'self'`, which admits the page's own API and
 * WebSocket and nothing else. `upgrade-insecure-requests` is left out: on a server reached
 * over plain HTTP by a LAN address it would send the page's own assets to an HTTPS port
 * that does not exist; behind TLS every URL the page uses is relative anyway.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { connectSrc: ["'self'"], upgradeInsecureRequests: null } },
  });
}

/**
 * The headers `securityHeaders()` sets, read once by running it against a recorder: they are
 * the same for every answer, so a route outside Express sets them from this list.
 */
export function securityHeaderList(): ReadonlyArray<readonly [string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  let isDone = false;
  const middleware = securityHeaders() as unknown as (
    req: Partial<IncomingMessage>,
    res: Partial<ServerResponse>,
    next: (err?: unknown) => void,
  ) => void;
  middleware({ headers: {} }, recorder as unknown as Partial<ServerResponse>, (err) => {
    if (err !== undefined) throw err;
    isDone = true;
  });
  if (!isDone) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed.');
  return headers;
}
