import type { HealthResponse } from '@tim/protocol';
import { Router } from 'express';
import type { Bus } from '../../../bus/bus';
import { TimError } from '../../../domain/tim-error';
import type { Logger } from '../../../logger';
import type { Metrics } from '../../../metrics';
import type { Storage } from '../../../storage/storage';
import { errorMessage } from '../../../error-text';

/** Operator endpoints, without authentication. */
export function healthRoutes(deps: { storage: Storage; bus: Bus; metrics: Metrics; logger: Logger }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.get('/readyz', async (_req, res) => {
    try {
      await Promise.all([deps.storage.ping(), deps.bus.ping()]);
    } catch (err) {
      deps.logger.warn('not ready', { error: errorMessage(err) });
      throw new TimError('unavailable', 'Storage or bus is not answering.');
    }
    res.json({ status: 'ok' });
  });

  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  return router;
}
