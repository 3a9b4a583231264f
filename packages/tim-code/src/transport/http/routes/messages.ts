import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  API_PREFIX,
  SpaceId,
  type SendMessageRequestSchema,
  type SendMessageResponse,
  type Timite,
} from '@tim/protocol';
import type { SendMessageDeps } from '../../../domain/send-message';
import type { SpaceAccessCheck } from '../../../domain/space-access';
import { sendMessage } from '../../../domain/send-message';
import type { Sessions } from '../../../domain/sessions';
import type { Logger } from '../../../logger';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { authenticateBearer } from '../authenticate';
import { bodyOf, parseInput } from '../body';
import type { HeaderList } from '../cross-origin';
import { answerError } from '../error-middleware';
import { runMiddleware, type NodeMiddleware } from '../node-middleware';
import { enforceRateLimits } from '../rate-limit';
import { chooseRequestId } from '../request-context';
import { writeJson } from '../write-json';

export interface PostMessageRouteDeps {
  /** The body of a post, with the configured content limit: `createSendMessageRequest(TIM_MAX_CONTENT_CHARS)`. */
  sendMessageRequest: SendMessageRequestSchema;
  send: SendMessageDeps;
  /** Posting needs a space the sender may read and that is not archived (issue 19); public spaces are cached briefly. */
  access: SpaceAccessCheck;
  rateLimits: RateLimits;
  metrics: Metrics;
  sessions: Sessions;
  logger: Logger;
  /** The Express stack's own instances: the cross-origin rule, the JSON body parser, the security headers. */
  cors: NodeMiddleware;
  jsonBody: NodeMiddleware;
  securityHeaders: HeaderList;
}

/** The exact path (a query string is ignored); anything else is Express's, which answers 404. */
const MESSAGES_PATH = new RegExp(`^${API_PREFIX}/spaces/([^/?]+)/messages(?:\\?|$)`);

/**
 * POST /api/v1/spaces/:spaceId/messages, the one path for posting a message. Posting is the
 * hot path, so it runs from Node's request listener rather than as an Express route:
 * Express's own work per request (app and router dispatch, its request and response objects)
 * cost ≈ 0.4 ms of CPU per post at 50 posts/s even with cheap middleware and the answer in
 * one `writeHead`, and through Express tim's CPU per delivery at 100 subscribers was 1.35×
 * this route's (docs/performance-notes.md, "One posting path"). Everything else is the Express stack's,
 * in its order: request id, the cross-origin rule, the JSON body parser, the session, then validation, rate
 * limit and store; the security headers from the same list; every failure through the same
 * `answerError`. Returns false for any request that is not a post to this path.
 */
export function createPostMessageRoute(
  deps: PostMessageRouteDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  async function handle(req: IncomingMessage, res: ServerResponse, encodedSpaceId: string): Promise<void> {
    const requestId = chooseRequestId(req.headers['x-request-id']);
    const headers = [...deps.securityHeaders, 'X-Request-Id', requestId];
    const stopTimer = deps.metrics.sendLatency.startTimer();
    try {
      await runMiddleware(deps.cors, req, res);
      await runMiddleware(deps.jsonBody, req, res);
      const { timite } = await authenticateBearer(deps.sessions, req.headers.authorization);
      const answer = await postMessage(deps, {
        spaceId: decodeSegment(encodedSpaceId),
        body: bodyOf(req),
        sender: timite,
        res,
      });
      writeJson(res, answer.status, answer.body, headers);
      stopTimer();
    } catch (err) {
      const path = (req.url ?? '').split('?', 1)[0] ?? '';
      answerError(err, res, { logger: deps.logger, metrics: deps.metrics, requestId, method: 'POST', path, headers });
    }
  }

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const encodedSpaceId = MESSAGES_PATH.exec(req.url ?? '')?.[1];
    if (encodedSpaceId === undefined) return false;
    void handle(req, res, encodedSpaceId);
    return true;
  };
}

/** A path segment decoded; one that does not decode stays as sent, and SpaceId refuses it. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Validates, spends the sender's budget, stores: 201 with the new update, 200 for a repeated clientMsgId. */
async function postMessage(
  deps: PostMessageRouteDeps,
  request: { spaceId: string; body: unknown; sender: Timite; res: ServerResponse },
): Promise<{ status: 200 | 201; body: SendMessageResponse }> {
  const spaceId = parseInput(SpaceId, request.spaceId);
  const input = parseInput(deps.sendMessageRequest, request.body);
  // Keyed by timite: one sender's budget never touches another's.
  await enforceRateLimits({ res: request.res, metrics: deps.metrics }, [
    [deps.rateLimits.messages, String(request.sender.id)],
  ]);
  await deps.access.postable(request.sender.id, spaceId);
  const result = await sendMessage(deps.send, {
    spaceId,
    sender: request.sender,
    content: input.content,
    clientMsgId: input.clientMsgId,
    replyTo: input.replyTo,
  });
  if (result.created) deps.metrics.messagesAccepted.inc();
  return { status: result.created ? 201 : 200, body: { message: result.message, updateId: result.updateId } };
}
