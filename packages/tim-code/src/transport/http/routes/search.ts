import { SearchQuery, type SearchResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { searchMessages } from '../../../domain/search';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import type { Storage } from '../../../storage/storage';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface SearchRouteDeps {
  storage: Storage;
  access: SpaceAccessCheck;
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
    // Only spaces the caller may read (issue 19): a named one is checked, the rest filtered by storage.
    if (query.spaceId !== undefined) await deps.access.readable(timite.id, query.spaceId);
    const body: SearchResponse = await searchMessages(deps.storage, { ...query, readerId: timite.id });
    res.json(body);
  });
  return router;
}
