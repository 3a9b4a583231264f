import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

const NOT_THE_CLIENT = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves a built single-page client from `webDir` on the same origin as the API. A GET for
 * any other path that accepts HTML gets index.html, so client-side routes survive a reload.
 */
export function webClient(webDir: string): Router {
  const router = express.Router();
  router.use(express.static(webDir, { index: 'index.html' }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_CLIENT.test(req.path) || !req.accepts('html')) {
      next();
      return;
    }
    res.sendFile(join(webDir, 'index.html'));
  });
  return router;
}
