import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { OriginPolicy } from '../../domain/origin-policy';
import { TimError } from '../../domain/tim-error';
import type { NodeMiddleware } from './node-middleware';

/** Methods that change state: a browser sends them cross-origin without asking first (a form post) or after a preflight. */
const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * The cross-origin rule of every HTTP request, the Express stack's and the posting route's
 * (one instance, run by both). A request whose Origin the policy does not allow is refused
 * with 403 `forbidden` before anything else is done when it could change state (POST, PUT,
 * PATCH, DELETE) or is a preflight; its other requests (GET) are answered without CORS
 * headers, so the browser keeps the answer from the page. Trusted origins get CORS: the
 * preflight is answered 204, answers expose Retry-After and X-Request-Id. Requests without
 * Origin (curl, agents) pass, as protocol v1 promises.
 */
export function crossOrigin(policy: OriginPolicy): NodeMiddleware {
  const corsForTrusted = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && policy.isTrusted(origin)),
    // Clients read these: the wait after a 429, and the id to quote in a bug report.
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  return (req, res, next) => {
    const { origin } = req.headers;
    if (
      origin !== undefined &&
      (STATE_CHANGING_METHODS.has(req.method ?? '') || isPreflight(req)) &&
      !policy.isAllowed(origin)
    ) {
      next(new TimError('forbidden', 'Requests from this origin are not allowed; see TIM_PUBLIC_URL.'));
      return;
    }
    corsForTrusted(req, res, next);
  };
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
