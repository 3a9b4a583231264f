import { API_PREFIX, createEditMessageRequest, createSendMessageRequest } from '@tim/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Bus } from '../../bus/bus';
import type { Config } from '../../config';
import type { Accounts } from '../../domain/accounts';
import type { MembershipDeps } from '../../domain/memberships';
import type { AbilityCallDeps } from '../../domain/ability-calls';
import type { MessageChangeDeps } from '../../domain/message-changes';
import type { ReadMarkerDeps } from '../../domain/read-markers';
import type { OriginPolicy } from '../../domain/origin-policy';
import type { SendMessageDeps } from '../../domain/send-message';
import type { SpaceAccessCheck } from '../../domain/space-access';
import type { Sessions } from '../../domain/sessions';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { RateLimits } from '../../rate-limit/rate-limits';
import type { AbilitiesRegistry } from '../../realtime/abilities-registry';
import type { Presence } from '../../realtime/presence';
import type { Storage } from '../../storage/storage';
import { requireSession } from './authenticate';
import { createJsonBodyParser } from './body';
import { crossOrigin, securityHeaderList, setSecurityHeaders } from './cross-origin';
import { errorMiddleware, notFound } from './error-middleware';
import { assignRequestId } from './request-context';
import { abilityRoutes } from './routes/abilities';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { limitsRoutes } from './routes/limits';
import { memberRoutes } from './routes/members';
import { messageChangeRoutes } from './routes/message-changes';
import { createPostMessageRoute } from './routes/messages';
import { readMarkerRoutes } from './routes/read-markers';
import { registrationRoutes } from './routes/registration';
import { searchRoutes } from './routes/search';
import { spacesRoutes } from './routes/spaces';
import { timelineRoutes } from './routes/timeline';
import { webClient } from './web-client';

/** The domain and realtime services the routes call. */
export interface HttpServices {
  storage: Storage;
  /** Who may read and post where (issue 19): every route that names a space asks it. */
  access: SpaceAccessCheck;
  /** Members, roles, space settings and DMs (issue 19). */
  memberships: MembershipDeps;
  bus: Bus;
  sessions: Sessions;
  accounts: Accounts;
  presence: Presence;
  send: SendMessageDeps;
  /** Edits, deletes and reactions. */
  changes: MessageChangeDeps;
  readMarkers: ReadMarkerDeps;
  rateLimits: RateLimits;
  /** Ability calls and their outcomes. */
  calls: AbilityCallDeps;
  /** Who declared which abilities where. */
  abilities: AbilitiesRegistry;
}

export interface HttpDeps {
  config: Config;
  services: HttpServices;
  /** Which browser origins may act for a user (shared with the WebSocket upgrade). */
  origins: OriginPolicy;
  metrics: Metrics;
  logger: Logger;
  now: () => Date;
  /** A session was logged out: its sockets close. */
  onLogout: (keyHash: string) => void;
}

/**
 * The HTTP request listener: the posting route (routes/messages.ts) for posts to
 * /api/v1/spaces/:spaceId/messages, the Express app for everything else. Both are built from
 * the same pieces: request id, security headers, the cross-origin rule (CORS and refusals),
 * JSON body parser, sessions, one error funnel.
 */
export function createHttpHandler({
  services,
  ...rest
}: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  // Each route takes the fields it needs from one flat bag.
  const deps = { ...services, ...rest };
  const cors = crossOrigin(deps.origins);
  const securityHeaders = securityHeaderList();
  const jsonBody = createJsonBodyParser(deps.config.maxBodyBytes);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(assignRequestId);
  app.use(setSecurityHeaders(securityHeaders));
  app.use(cors);
  app.use(healthRoutes(deps));

  const api = express.Router();
  const session = requireSession(deps.sessions);
  // Before the API's body parser: these routes parse bodies of their own size.
  api.use(abilityRoutes({ ...deps, maxBodyBytes: deps.config.maxBodyBytes, requireSession: session }));
  api.use(jsonBody);
  api.use(limitsRoutes(deps));
  api.use(authRoutes(deps));
  api.use(registrationRoutes({ ...deps, requireSession: session }));
  api.use(spacesRoutes({ ...deps, requireSession: session }));
  api.use(memberRoutes({ ...deps, requireSession: session }));
  api.use(timelineRoutes({ ...deps, requireSession: session }));
  api.use(
    messageChangeRoutes({
      ...deps,
      editMessageRequest: createEditMessageRequest(deps.config.maxContentChars),
      requireSession: session,
    }),
  );
  api.use(readMarkerRoutes({ ...deps, requireSession: session }));
  api.use(searchRoutes({ ...deps, requireSession: session }));
  api.use(notFound);
  app.use(API_PREFIX, api);

  if (deps.config.webDir !== undefined) app.use(webClient(deps.config.webDir));
  app.use(notFound);
  app.use(errorMiddleware(deps.logger, deps.metrics));

  const postMessage = createPostMessageRoute({
    ...deps,
    sendMessageRequest: createSendMessageRequest(deps.config.maxContentChars),
    cors,
    jsonBody,
    securityHeaders,
  });
  return (req, res) => {
    if (!postMessage(req, res)) app(req, res);
  };
}
