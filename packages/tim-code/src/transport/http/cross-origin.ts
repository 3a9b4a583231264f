import cors from 'cors';
import type { ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { NodeMiddleware } from './node-middleware';

/**
 * CORS for the allowlisted browser origins only. A request from any other origin gets no
 * CORS headers at all, so the browser keeps the answer from the page (a preflight from it
 * falls through to a 404). Same-origin pages need no CORS.
 */
export function corsForOrigins(allowedOrigins: readonly string[]): NodeMiddleware {
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
export function helmetForTim(): NodeMiddleware {
  return helmet({
    contentSecurityPolicy: { directives: { connectSrc: ["'self'"], upgradeInsecureRequests: null } },
  }) as NodeMiddleware;
}

/** Header names and values, alternating, as `writeHead` takes them. */
export type HeaderList = readonly string[];

/**
 * The security headers of every answer: what `helmetForTim()` sets, read once at start by
 * running it against a recorder. With no directive computed per request (no nonce) they are
 * the same for every answer, so the Express stack (`setSecurityHeaders`) and the posting
 * route (in its one `writeHead`) set this one list. cross-origin.test.ts checks it against
 * helmet on a real response.
 */
export function securityHeaderList(): HeaderList {
  const headers: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push(name, value),
    removeHeader: () => undefined,
  };
  let isDone = false;
  helmetForTim()({ headers: {} } as Parameters<NodeMiddleware>[0], recorder as unknown as ServerResponse, (err) => {
    if (err !== undefined && err !== null) throw err as Error;
    isDone = true;
  });
  if (!isDone) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed.');
  return headers;
}

/** Sets the list on every answer of the Express stack. */
export function setSecurityHeaders(headers: HeaderList): NodeMiddleware {
  return (_req, res, next) => {
    for (let n = 0; n < headers.length; n += 2) res.setHeader(headers[n] as string, headers[n + 1] as string);
    next();
  };
}
