import {
  MessagePathParams,
  ReactionPathParams,
  type EditMessageRequest,
  type MessageChangeResponse,
  type MessageResponse,
} from '@tim/protocol';
import { Router, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import {
  changeReaction,
  deleteMessage,
  editMessage,
  getMessage,
  type MessageChangeDeps,
} from '../../../domain/message-changes';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface MessageChangeRouteDeps {
  changes: MessageChangeDeps;
  access: SpaceAccessCheck;
  /** The body of an edit, with the configured content limit: `createEditMessageRequest(TIM_MAX_CONTENT_CHARS)`. */
  editMessageRequest: z.ZodType<EditMessageRequest>;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
}

const MESSAGE = '/spaces/:spaceId/messages/:messageId';
const REACTION = `${MESSAGE}/reactions/:emoji`;

/**
 * One message: read it, edit it, delete it, react to it (extensions of v1). Every change spends
 * a point of the timite's `changes` budget (TIM_RATE_CHANGES) before it is stored. Only where
 * the caller may read (issue 19); no change in an archived space; owners and admins delete
 * anyone's message (moderation).
 */
export function messageChangeRoutes(deps: MessageChangeRouteDeps): Router {
  const { changes, metrics } = deps;
  const router = Router();

  /** Spends the caller's change budget; answers the timite. */
  async function spendChange(res: Response) {
    const { timite } = authenticatedOf(res);
    await enforceRateLimits({ res, metrics }, [[deps.rateLimits.changes, String(timite.id)]]);
    return timite;
  }

  function countChange(kind: 'edited' | 'deleted' | 'reaction', answer: MessageChangeResponse): void {
    if (answer.updateId !== undefined) metrics.messageChanges.inc({ kind });
  }

  router.get(MESSAGE, deps.requireSession, async (req, res) => {
    const ref = parseInput(MessagePathParams, req.params);
    await deps.access.readable(authenticatedOf(res).timite.id, ref.spaceId);
    const current = await getMessage(changes, ref);
    const body: MessageResponse = { message: current.message, updateId: current.updateId };
    res.json(body);
  });

  router.patch(MESSAGE, deps.requireSession, async (req, res) => {
    const ref = parseInput(MessagePathParams, req.params);
    const input = parseInput(deps.editMessageRequest, req.body);
    await deps.access.postable(authenticatedOf(res).timite.id, ref.spaceId);
    const editor = await spendChange(res);
    const body = await editMessage(changes, { ...ref, editor, content: input.content });
    countChange('edited', body);
    res.json(body);
  });

  router.delete(MESSAGE, deps.requireSession, async (req, res) => {
    const ref = parseInput(MessagePathParams, req.params);
    const { role } = await deps.access.postable(authenticatedOf(res).timite.id, ref.spaceId, { fresh: true });
    const actor = await spendChange(res);
    const asModerator = role === 'owner' || role === 'admin';
    const body = await deleteMessage(changes, { ...ref, actor, asModerator });
    countChange('deleted', body);
    res.json(body);
  });

  for (const [method, add] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    router[method](REACTION, deps.requireSession, async (req, res) => {
      const { emoji, ...ref } = parseInput(ReactionPathParams, req.params);
      await deps.access.postable(authenticatedOf(res).timite.id, ref.spaceId);
      const timite = await spendChange(res);
      const body = await changeReaction(changes, { ...ref, timite, emoji, add });
      countChange('reaction', body);
      res.json(body);
    });
  }

  return router;
}
