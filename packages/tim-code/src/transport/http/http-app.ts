import { API_PREFIX, createSendMessageRequest } from '@tim/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Bus } from '../../bus/bus';
import type { Config } from '../../config';
import type { Accounts } from '../../domain/accounts';
import type { SendMessageDeps } from '../../domain/send-message';
import type { Sessions } from '../../domain/sessions';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { RateLimits } from '../../rate-limit/rate-limits';
import type { Presence } from '../../realtime/presence';
import type { Storage } from '../../storage/storage';
import { requireSession } from './authenticate';
import { requireJsonBody } from './body';
import { corsForOrigins, securityHeaders } from './cross-origin';
import { errorMiddleware, notFound } from './error-middleware';
import { createLeanMessageRoute } from './lean-message-route';
import { assignRequestId } from './request-context';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { limitsRoutes } from './routes/limits';
import { messagesRoutes } from './routes/messages';
import { spacesRoutes } from './routes/spaces';
import { timelineRoutes } from './routes/timeline';
import { webClient } from './web-client';

export interface HttpDeps {
  config: Config;
  storage: Storage;
  bus: Bus;
  sessions: Sessions;
  accounts: Accounts;
  presence: Presence;
  send: SendMessageDeps;
  rateLimits: RateLimits;
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
  onLogout: (keyHash: string) => void;
}

/**
 * The HTTP request listener: the lean route for the common case of posting a message, the
 * Express app (body parsing and validation at the edge, routes per surface, one error funnel)
 * for everything else.
 */
export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const cors = corsForOrigins(deps.config.allowedOrigins);
  const sendMessageRequest = createSendMessageRequest(deps.config.maxContentChars);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(assignRequestId);
  app.use(securityHeaders());
  app.use(cors);
  app.use(healthRoutes(deps));

  const api = express.Router();
  api.use(requireJsonBody);
  api.use(express.json({ limit: deps.config.maxBodyBytes }));
  const session = requireSession(deps.sessions);
  api.use(limitsRoutes(deps));
  api.use(authRoutes(deps));
  api.use(spacesRoutes({ ...deps, requireSession: session }));
  api.use(messagesRoutes({ ...deps, sendMessageRequest, requireSession: session }));
  api.use(timelineRoutes({ ...deps, requireSession: session }));
  api.use(notFound);
  app.use(API_PREFIX, api);

  if (deps.config.webDir !== undefined) app.use(webClient(deps.config.webDir));
  app.use(notFound);
  app.use(errorMiddleware(deps.logger));

  const postMessage = createLeanMessageRoute({
    ...deps,
    sendMessageRequest,
    maxBodyBytes: deps.config.maxBodyBytes,
    cors,
  });
  return (req, res) => {
    if (!postMessage(req, res)) app(req, res);
  };
}
