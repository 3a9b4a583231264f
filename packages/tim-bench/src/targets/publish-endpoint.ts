import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX, DEFAULT_LIMITS, SendMessageRequest } from '@tim/protocol';

const MESSAGES_PATH = new RegExp(`^${API_PREFIX}/spaces/([a-z0-9-]{1,40})/messages$`);

/** Called with a parsed message; returns the update id the space assigned to it. */
export type PublishHandler = (spaceId: string, content: string) => number;

/**
 * `POST /api/v1/spaces/:spaceId/messages` for the reference servers: the same request and
 * the same `{ updateId }` in the answer as tim, without accounts, storage or rate limits.
 */
export function createPublishEndpoint(publish: PublishHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const match = req.method === 'POST' ? MESSAGES_PATH.exec(req.url ?? '') : null;
    const spaceId = match?.[1];
    if (spaceId === undefined) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= DEFAULT_LIMITS.httpBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = parseBody(Buffer.concat(chunks).toString('utf8'));
      if (bytes > DEFAULT_LIMITS.httpBodyBytes || body === undefined) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_request","message":"Bad message."}}');
        return;
      }
      const updateId = publish(spaceId, body.content);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ updateId }));
    });
  };
}

function parseBody(text: string): SendMessageRequest | undefined {
  try {
    const parsed = SendMessageRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: answered as invalid_request by the caller.
    return undefined;
  }
}
