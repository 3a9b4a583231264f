import { CreateSpaceRequest, type SpaceResponse, type SpacesResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { TimError } from '../../../domain/tim-error';
import type { Storage } from '../../../storage/storage';
import { parseInput } from '../body';

export function spacesRoutes(deps: { storage: Storage; requireSession: RequestHandler; now: () => Date }): Router {
  const { storage, now } = deps;
  const router = Router();
  router.get('/spaces', deps.requireSession, async (_req, res) => {
    const body: SpacesResponse = { spaces: await storage.listSpaces() };
    res.json(body);
  });

  router.post('/spaces', deps.requireSession, async (req, res) => {
    const input = parseInput(CreateSpaceRequest, req.body);
    const result = await storage.createSpace({ id: input.id, name: input.name, createdAt: now() });
    if (!result.created) throw new TimError('conflict', `A space "${input.id}" already exists.`);
    const body: SpaceResponse = { space: result.space };
    res.status(201).json(body);
  });

  return router;
}
