import { ReadMarkerRequest, SpaceId } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { markRead, type ReadMarkerDeps } from '../../../domain/read-markers';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import { parseInput } from '../body';
import { authenticatedOf } from '../request-context';

/** PUT /spaces/:spaceId/read: the caller's read marker moves forward (an extension of v1). */
export function readMarkerRoutes(deps: {
  readMarkers: ReadMarkerDeps;
  access: SpaceAccessCheck;
  requireSession: RequestHandler;
}): Router {
  const router = Router();
  router.put('/spaces/:spaceId/read', deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const input = parseInput(ReadMarkerRequest, req.body);
    const { timite } = authenticatedOf(res);
    await deps.access.readable(timite.id, spaceId);
    res.json(await markRead(deps.readMarkers, { timiteId: timite.id, spaceId, updateId: input.updateId }));
  });
  return router;
}
