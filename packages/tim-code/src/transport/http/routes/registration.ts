import { CreateInviteRequest, type InviteResponse, type RegistrationResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import type { Config } from '../../../config';
import { createInvite } from '../../../domain/invites';
import { TimError } from '../../../domain/tim-error';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import type { AccessStorage } from '../../../storage/storage';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface RegistrationRouteDeps {
  storage: Pick<AccessStorage, 'createInviteCode'>;
  config: Pick<Config, 'registration' | 'admins'>;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
  now: () => Date;
}

/** GET /registration (the policy, for a registration form) and POST /invites (TIM_ADMINS only), issue 19. */
export function registrationRoutes(deps: RegistrationRouteDeps): Router {
  const router = Router();
  const admins = new Set(deps.config.admins);

  router.get('/registration', (_req, res) => {
    const body: RegistrationResponse = { policy: deps.config.registration };
    res.json(body);
  });

  router.post('/invites', deps.requireSession, async (req, res) => {
    const input = parseInput(CreateInviteRequest, req.body);
    const { timite } = authenticatedOf(res);
    if (!admins.has(timite.nick.toLowerCase()))
      throw new TimError('forbidden', 'Only the server admins (TIM_ADMINS) create invite codes.');
    await enforceRateLimits({ res, metrics: deps.metrics }, [[deps.rateLimits.changes, String(timite.id)]]);
    const body: InviteResponse = await createInvite(deps.storage, { ...input, createdBy: timite.id }, deps.now());
    res.status(201).json(body);
  });

  return router;
}
