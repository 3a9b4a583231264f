import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX } from '@tim/protocol';
import type { RequestHandler } from 'express';
import type { Sessions } from '../../domain/sessions';
import { TimError, toErrorBody } from '../../domain/tim-error';
import type { Logger } from '../../logger';
import { authenticateBearer } from './authenticate';
import { securityHeaderList } from './cross-origin';
import { toHttpError } from './error-middleware';
import { chooseRequestId } from './request-context';
import { postMessage, type PostMessageDeps } from './routes/messages';

export interface LeanMessageRouteDeps extends PostMessageDeps {
  sessions: Sessions;
  /** TIM_MAX_BODY_BYTES: a larger body goes to Express, which answers 413. */
  maxBodyBytes: number;
  /** The app's CORS middleware, run only for requests that carry an Origin. */
  cors: RequestHandler;
  logger: Logger;
}

/** Only ids that need no decoding: anything else goes to Express, which decodes and validates. */
const MESSAGES_PATH = new RegExp(`^${API_PREFIX}/spaces/([a-z0-9-]{1,64})/messages$`);
/** What express.json accepts without a 415 (the charset must be UTF-8). */
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** express.json's strict mode: only an object or an array at the top level. */
const STRICT_JSON_START = /^[ \t\n\r]*[[{]/;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Posting a message is the hot path, so its common case skips Express: no router, no body
 * parser stack, helmet's headers set from a list computed once, the session from the cache.
 * Only a plain request takes it: POST to the exact path, a UTF-8 JSON body of known length
 * within the limit, no content encoding. Everything else (415, 413, chunked, odd paths) goes to
 * the Express route, so those answers come from one place. The order of checks and the
 * answers are Express's: JSON syntax, key, space id, body shape, rate limit, store.
 */
export function createLeanMessageRoute(
  deps: LeanMessageRouteDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  // Name, value, name, value…: writeHead takes such a list without a per-header setHeader.
  const constantHeaders = [...securityHeaderList().flat(), 'Content-Type', JSON_TYPE];

  /** Every answer of this route, success or error, with the same headers as Express's. */
  function writeJson(
    res: ServerResponse,
    requestId: string,
    status: number,
    body: unknown,
    retryAfterSeconds?: number,
  ): void {
    const text = JSON.stringify(body);
    const headers = [...constantHeaders, 'X-Request-Id', requestId, 'Content-Length', String(Buffer.byteLength(text))];
    if (retryAfterSeconds !== undefined) headers.push('Retry-After', String(retryAfterSeconds));
    res.writeHead(status, headers);
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, spaceId: string, requestId: string): Promise<void> {
    const stopTimer = deps.metrics.sendLatency.startTimer();
    try {
      const body = parseStrictJson(await readBody(req));
      const { timite } = await authenticateBearer(deps.sessions, req.headers.authorization);
      const answer = await postMessage(deps, { spaceId, body, sender: timite, res });
      writeJson(res, requestId, answer.status, answer.body);
      stopTimer();
    } catch (err) {
      const timError = toHttpError(err, { logger: deps.logger, requestId, method: 'POST', path: req.url ?? '' });
      if (res.headersSent) res.destroy();
      else writeJson(res, requestId, timError.httpStatus, toErrorBody(timError), timError.retryAfterSeconds);
    }
  }

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const spaceId = MESSAGES_PATH.exec(req.url ?? '')?.[1];
    if (spaceId === undefined || !isPlainJsonBody(req.headers, deps.maxBodyBytes)) return false;
    const requestId = chooseRequestId(req.headers['x-request-id']);
    if (req.headers.origin !== undefined) {
      // cors answers synchronously for a non-preflight request; it only sets headers.
      deps.cors(req as Parameters<RequestHandler>[0], res as Parameters<RequestHandler>[1], () => undefined);
    }
    void handle(req, res, spaceId, requestId);
    return true;
  };
}

function isPlainJsonBody(headers: IncomingHttpHeaders, maxBodyBytes: number): boolean {
  const length = Number(headers['content-length']);
  return (
    headers['transfer-encoding'] === undefined &&
    headers['content-encoding'] === undefined &&
    Number.isInteger(length) &&
    length > 0 &&
    length <= maxBodyBytes &&
    JSON_CONTENT_TYPE.test(headers['content-type'] ?? '')
  );
}

/** The body, at most Content-Length bytes (Node's parser stops there), as UTF-8. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
  });
}

const NOT_JSON = 'The request body is not valid JSON.';

function parseStrictJson(text: string): unknown {
  if (!STRICT_JSON_START.test(text)) throw new TimError('invalid_request', NOT_JSON);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TimError('invalid_request', NOT_JSON, { cause: err });
  }
}
