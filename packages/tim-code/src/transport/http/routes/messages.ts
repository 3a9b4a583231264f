import type { ServerResponse } from 'node:http';
import { SpaceId, type createSendMessageRequest, type SendMessageResponse, type Timite } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { sendMessage, type SendMessageDeps } from '../../../domain/send-message';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

/** The body of a post, with the configured content limit: `createSendMessageRequest(TIM_MAX_CONTENT_CHARS)`. */
export type SendMessageRequestSchema = ReturnType<typeof createSendMessageRequest>;

export interface PostMessageDeps {
  sendMessageRequest: SendMessageRequestSchema;
  send: SendMessageDeps;
  rateLimits: RateLimits;
  metrics: Metrics;
}

/**
 * POST /spaces/:spaceId/messages once the body is parsed JSON and the sender known: validates,
 * spends the sender's budget, stores. Shared by the Express route and the lean route.
 */
export async function postMessage(
  deps: PostMessageDeps,
  request: { spaceId: unknown; body: unknown; sender: Timite; res: Pick<ServerResponse, 'setHeader'> },
): Promise<{ status: 200 | 201; body: SendMessageResponse }> {
  const spaceId = parseInput(SpaceId, request.spaceId);
  const input = parseInput(deps.sendMessageRequest, request.body);
  // Keyed by timite: one sender's budget never touches another's.
  await enforceRateLimits({ res: request.res, metrics: deps.metrics }, [
    [deps.rateLimits.messages, String(request.sender.id)],
  ]);
  const result = await sendMessage(deps.send, {
    spaceId,
    sender: request.sender,
    content: input.content,
    clientMsgId: input.clientMsgId,
  });
  if (result.created) deps.metrics.messagesAccepted.inc();
  return { status: result.created ? 201 : 200, body: { message: result.message, updateId: result.updateId } };
}

/** The route for requests the lean route leaves to Express (see lean-message-route.ts). */
export function messagesRoutes(deps: PostMessageDeps & { requireSession: RequestHandler }): Router {
  const router = Router();

  router.post('/spaces/:spaceId/messages', deps.requireSession, async (req, res) => {
    const stopTimer = deps.metrics.sendLatency.startTimer();
    const answer = await postMessage(deps, {
      spaceId: req.params['spaceId'],
      body: req.body,
      sender: authenticatedOf(res).timite,
      res,
    });
    res.status(answer.status).json(answer.body);
    stopTimer();
  });

  return router;
}
