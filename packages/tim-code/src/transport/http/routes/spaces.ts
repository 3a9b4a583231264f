import { CreateSpaceRequest, SpaceId, SpacesQuery, type SpaceResponse, type SpacesResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import type { Config } from '../../../config';
import { TimError } from '../../../domain/tim-error';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { withUnreadCounts } from '../../../domain/read-markers';
import type { Storage } from '../../../storage/storage';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface SpacesRouteDeps {
  storage: Storage;
  rateLimits: RateLimits;
  metrics: Metrics;
  config: Pick<Config, 'maxSpacesPerTimite'>;
  requireSession: RequestHandler;
  now: () => Date;
}

/**
 * A page cursor is the base64url of the page's last space id: opaque to clients, and always
 * valid, since spaces are never deleted.
 */
function encodeCursor(spaceId: string): string {
  return Buffer.from(spaceId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const spaceId = SpaceId.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!spaceId.success) throw new TimError('invalid_request', 'The "after" cursor is not one this server gave.');
  return spaceId.data;
}

/**
 * The shape of a direct message's id (storage/dm-keys.ts: `dm-` and 26 base32 characters). Only
 * ids of that shape are kept for DMs, so every id a v1 client could create stays creatable.
 */
const DM_ID = /^dm-[a-z2-7]{26}$/;

export function spacesRoutes(deps: SpacesRouteDeps): Router {
  const { storage, now } = deps;
  const router = Router();
  router.get('/spaces', deps.requireSession, async (req, res) => {
    const query = parseInput(SpacesQuery, req.query);
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    const readerId = authenticatedOf(res).timite.id;
    // One more than the page tells whether another page follows. Only what the caller may
    // read (issue 19), or the narrower scope it asked for.
    const listed = await storage.listSpacesFor({
      readerId,
      scope: query.scope ?? 'all',
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(after === undefined ? {} : { after }),
      limit: query.limit + 1,
    });
    const page = listed
      .slice(0, query.limit)
      .map(({ space, role }) => (role === undefined ? space : { ...space, role }));
    // Extension of v1: the caller's unread counts per space, live through the unread feed.
    const spaces = await withUnreadCounts(storage, readerId, page);
    const last = page.at(-1);
    const body: SpacesResponse =
      listed.length > query.limit && last !== undefined ? { spaces, nextCursor: encodeCursor(last.id) } : { spaces };
    res.json(body);
  });

  router.post('/spaces', deps.requireSession, async (req, res) => {
    const input = parseInput(CreateSpaceRequest, req.body);
    if (DM_ID.test(input.id))
      throw new TimError(
        'invalid_request',
        'Ids of the form "dm-" and 26 letters or digits are kept for direct messages.',
      );
    const { timite } = authenticatedOf(res);
    await enforceRateLimits({ res, metrics: deps.metrics }, [[deps.rateLimits.spaces, String(timite.id)]]);
    // Counted, then created: concurrent creates by one timite may pass the cap by a few, which
    // the rate limit bounds.
    if ((await storage.countSpacesCreatedBy(timite.id)) >= deps.config.maxSpacesPerTimite) {
      throw new TimError('forbidden', `A timite may create at most ${deps.config.maxSpacesPerTimite} spaces.`);
    }
    const result = await storage.createSpace({
      id: input.id,
      name: input.name,
      createdAt: now(),
      createdBy: timite.id,
      visibility: input.visibility ?? 'public',
    });
    if (!result.created) throw new TimError('conflict', `A space "${input.id}" already exists.`);
    const body: SpaceResponse = { space: result.space };
    res.status(201).json(body);
  });

  return router;
}
