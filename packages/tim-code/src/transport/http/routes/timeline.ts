import {
  SpaceId,
  UpdatesQuery,
  type PresenceResponse,
  type Timite,
  type Update,
  type UpdatesResponse,
} from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import type { Presence } from '../../../realtime/presence';
import type { Storage } from '../../../storage/storage';
import { parseInput } from '../body';
import { authenticatedOf } from '../request-context';

function sendersOf(updates: Update[]): Timite[] {
  const byId = new Map<number, Timite>();
  for (const update of updates) {
    if (update.event.type === 'message') byId.set(update.event.message.sender.id, update.event.message.sender);
  }
  return [...byId.values()];
}

export interface TimelineRouteDeps {
  storage: Storage;
  presence: Presence;
  access: SpaceAccessCheck;
  requireSession: RequestHandler;
}

/** Reading a space: its timeline pages and who is online in it. */
export function timelineRoutes(deps: TimelineRouteDeps): Router {
  const { storage, presence, access } = deps;
  const router = Router();

  /** The space of the path, when the caller may read it (issue 19); else not found, like a space that does not exist. */
  async function readableSpace(raw: unknown, res: Parameters<typeof authenticatedOf>[0]): Promise<SpaceId> {
    const spaceId = parseInput(SpaceId, raw);
    await access.readable(authenticatedOf(res).timite.id, spaceId);
    return spaceId;
  }

  router.get('/spaces/:spaceId/updates', deps.requireSession, async (req, res) => {
    const spaceId = await readableSpace(req.params['spaceId'], res);
    const query = parseInput(UpdatesQuery, req.query);
    // headId first: every update it counts is readable below, so headId >= the last id returned
    // unless a send lands in between, which only makes headId larger.
    const headId = await storage.headId(spaceId);
    const updates = await storage.readUpdates(
      spaceId,
      query.before !== undefined
        ? { before: query.before, limit: query.limit }
        : { after: query.after ?? 0, limit: query.limit },
    );
    const body: UpdatesResponse = {
      updates,
      headId: Math.max(headId, updates.at(-1)?.id ?? 0),
      timites: sendersOf(updates),
    };
    res.json(body);
  });

  router.get('/spaces/:spaceId/presence', deps.requireSession, async (req, res) => {
    const spaceId = await readableSpace(req.params['spaceId'], res);
    const body: PresenceResponse = { timites: await presence.online(spaceId) };
    res.json(body);
  });

  return router;
}
