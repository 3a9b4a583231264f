import { extname, join, relative, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

const NOT_THE_CLIENT = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/** Vite names every file under /assets by its content hash: a changed file gets a new name. */
const HASHED = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so the browser asks again each time (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

/** The variants tim-web's build writes next to each asset, best first. */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * Serves a built single-page client from `webDir` on the same origin as the API. A GET for
 * any other path that accepts HTML gets index.html, so client-side routes survive a reload.
 *
 * Hashed assets are cached for a year; everything else is revalidated. An asset's `.br` or
 * `.gz` twin, written at build time, is sent instead when the request accepts that encoding,
 * so no byte is compressed per request.
 */
export function webClient(webDir: string): Router {
  const router = express.Router();
  router.use(precompressed(webDir));
  router.use(express.static(webDir, { index: 'index.html', setHeaders: (res, path) => setCaching(res, path, webDir) }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_CLIENT.test(req.path) || !req.accepts('html')) {
      next();
      return;
    }
    res.sendFile(join(webDir, 'index.html'), { headers: { 'Cache-Control': REVALIDATE } });
  });
  return router;
}

function setCaching(res: Response, path: string, webDir: string): void {
  const hashed = relative(webDir, path).split(sep)[0] === 'assets';
  res.setHeader('Cache-Control', hashed ? IMMUTABLE : REVALIDATE);
}

/**
 * Sends `<asset>.br` or `<asset>.gz` for a hashed asset when the request accepts that
 * encoding and the build wrote the file (brotli first, the smaller); otherwise hands over to
 * the plain file. `sendFile` with `root` keeps the path inside `webDir`, as express.static does.
 */
function precompressed(webDir: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !HASHED.test(req.path)) {
      next();
      return;
    }
    // Caches must keep the variants apart, whichever one this answer is.
    res.vary('Accept-Encoding');
    const accepted = PRECOMPRESSED.filter((variant) => req.acceptsEncodings(variant.encoding) !== false);
    // The asset's own type, looked up by express and sent only with a variant: when none is
    // sent, the plain file (or index.html) sets its own.
    const type = res.type(extname(req.path)).getHeader('Content-Type');
    res.removeHeader('Content-Type');
    const sendVariant = (index: number): void => {
      const variant = accepted[index];
      if (variant === undefined) {
        next();
        return;
      }
      const headers = { 'Content-Encoding': variant.encoding, 'Content-Type': type, 'Cache-Control': IMMUTABLE };
      res.sendFile(
        req.path.slice(1) + variant.suffix,
        { root: webDir, headers },
        (error?: Error & { status?: number }) => {
          // The build wrote no such variant (a file too small to gain): try the next.
          if (error?.status === 404 && !res.headersSent) sendVariant(index + 1);
          else if (error !== undefined) next(error);
        },
      );
    };
    sendVariant(0);
  };
}
