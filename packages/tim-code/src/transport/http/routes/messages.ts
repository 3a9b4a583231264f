import { SendMessageRequest, SpaceId, type SendMessageResponse } from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import { sendMessage, type SendMessageDeps } from '../../../domain/send-message';
import type { Metrics } from '../../../metrics';
import { parseInput } from '../body';
import { authenticatedOf } from '../request-context';

export function messagesRoutes(deps: { send: SendMessageDeps; metrics: Metrics; requireSession: RequestHandler }): Router {
  const router = Router();

  router.post('/spaces/:spaceId/messages', deps.requireSession, async (req, res) => {
    const stopTimer = deps.metrics.sendLatency.startTimer();
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const input = parseInput(SendMessageRequest, req.body);
    const result = await sendMessage(deps.send, {
      spaceId,
      sender: authenticatedOf(res).timite,
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
