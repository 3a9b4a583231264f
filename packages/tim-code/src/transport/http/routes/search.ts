import { SearchQuery, type SearchResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { searchMessages } from '../../../domain/search';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import type { Storage } from '../../../storage/storage';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface SearchRouteDeps {
  storage: Storage;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
}

/** GET /search: full-text search, each call a point of the caller's TIM_RATE_SEARCH budget (an extension of v1). */
export function searchRoutes(deps: SearchRouteDeps): Router {
  const router = Router();
  router.get('/search', deps.requireSession, async (req, res) => {
    const query = parseInput(SearchQuery, req.query);
    const { timite } = authenticatedOf(res);
    await enforceRateLimits({ res, metrics: deps.metrics }, [[deps.rateLimits.search, String(timite.id)]]);
    const body: SearchResponse = await searchMessages(deps.storage, query);
    res.json(body);
  });
  return router;
}
