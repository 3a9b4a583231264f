import cors from 'cors';
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
