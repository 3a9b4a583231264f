import {
  ABILITY_RESULT_MAX_BYTES,
  AbilityOutcomeRequest,
  CallAbilityRequest,
  CallPathParams,
  SpaceId,
  type AbilitiesResponse,
} from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { answerCall, callAbility, type AbilityCallDeps } from '../../../domain/ability-calls';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import type { AbilitiesRegistry } from '../../../realtime/abilities-registry';
import { createJsonBodyParser, parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface AbilityRouteDeps {
  calls: AbilityCallDeps;
  abilities: AbilitiesRegistry;
  /** A private space's abilities are its members' business (issue 19). */
  access: SpaceAccessCheck;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
  /** TIM_MAX_BODY_BYTES: these routes take at least what an outcome of ABILITY_RESULT_MAX_BYTES needs. */
  maxBodyBytes: number;
}

/** An outcome's result is at most ABILITY_RESULT_MAX_BYTES as the server writes it; a client may escape more. */
const ABILITY_BODY_MAX_BYTES = 4 * ABILITY_RESULT_MAX_BYTES;

/**
 * Abilities (an extension of v1): who can do what in a space, calls, and their outcomes. The
 * router parses its own bodies (an outcome may be larger than other bodies), so it is mounted
 * before the API's body parser.
 */
export function abilityRoutes(deps: AbilityRouteDeps): Router {
  const { calls, abilities, metrics } = deps;
  const jsonBody = createJsonBodyParser(Math.max(deps.maxBodyBytes, ABILITY_BODY_MAX_BYTES));
  const router = Router();

  router.get('/spaces/:spaceId/abilities', deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    await deps.access.readable(authenticatedOf(res).timite.id, spaceId);
    const body: AbilitiesResponse = { timites: await abilities.list(spaceId) };
    res.json(body);
  });

  router.post('/spaces/:spaceId/calls', deps.requireSession, jsonBody, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const input = parseInput(CallAbilityRequest, req.body);
    const { timite } = authenticatedOf(res);
    await enforceRateLimits({ res, metrics }, [[deps.rateLimits.calls, String(timite.id)]]);
    await deps.access.postable(timite.id, spaceId);
    const body = await callAbility(calls, {
      spaceId,
      caller: timite,
      target: input.target,
      ability: input.ability,
      arguments: input.arguments,
      ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    });
    res.status(201).json(body);
  });

  router.post('/spaces/:spaceId/calls/:callId/outcome', deps.requireSession, jsonBody, async (req, res) => {
    const { spaceId, callId } = parseInput(CallPathParams, req.params);
    const answer = parseInput(AbilityOutcomeRequest, req.body);
    const { timite } = authenticatedOf(res);
    // An answer is always recordable where the target may still read (even archived).
    await deps.access.readable(timite.id, spaceId);
    const body = await answerCall(calls, { spaceId, callId, answerer: timite, answer });
    res.status(201).json(body);
  });

  return router;
}
