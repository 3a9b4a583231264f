import { SpaceId, createSendMessageRequest, type SendMessageResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { sendMessage, type SendMessageDeps } from '../../../domain/send-message';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export function messagesRoutes(deps: {
  /** Message content in code points (TIM_MAX_CONTENT_CHARS). */
  maxContentChars: number;
  send: SendMessageDeps;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
}): Router {
  const router = Router();
  const SendMessageRequest = createSendMessageRequest(deps.maxContentChars);

  router.post('/spaces/:spaceId/messages', deps.requireSession, async (req, res) => {
    const stopTimer = deps.metrics.sendLatency.startTimer();
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const input = parseInput(SendMessageRequest, req.body);
    const sender = authenticatedOf(res).timite;
    // Keyed by timite: one sender's budget never touches another's.
    await enforceRateLimits({ res, metrics: deps.metrics }, [[deps.rateLimits.messages, String(sender.id)]]);
    const result = await sendMessage(deps.send, {
      spaceId,
      sender,
      content: input.content,
      clientMsgId: input.clientMsgId,
    });
    if (result.created) deps.metrics.messagesAccepted.inc();
    const body: SendMessageResponse = { message: result.message, updateId: result.updateId };
    res.status(result.created ? 201 : 200).json(body);
    stopTimer();
  });

  return router;
}
