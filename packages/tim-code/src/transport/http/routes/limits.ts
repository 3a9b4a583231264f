import type { LimitsResponse } from '@tim/protocol';
import { Router } from 'express';
import type { Config } from '../../../config';

/** The configured limits, without authentication: clients size their checks and counters by them. */
export function limitsRoutes(deps: { config: Config }): Router {
  const { config } = deps;
  const body: LimitsResponse = {
    limits: {
      messageChars: config.maxContentChars,
      httpBodyBytes: config.maxBodyBytes,
      wsFrameBytes: config.maxFrameBytes,
      subscriptionsPerConnection: config.maxSubscriptionsPerConnection,
      connectionsPerTimite: config.maxConnectionsPerTimite,
    },
  };
  const router = Router();
  router.get('/limits', (_req, res) => {
    res.json(body);
  });
  return router;
}
