import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX, DEFAULT_LIMITS, SendMessageRequest } from '@tim/protocol';

const MESSAGES_PATH = new RegExp(`^${API_PREFIX}/spaces/([a-z0-9-]{1,40})/messages$`);

/**
 * Called with a parsed message; returns the update id the space assigned to it, or a promise
 * of it where the id comes from another process (Redis).
 */
export type PublishHandler = (spaceId: string, content: string) => number | Promise<number>;

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
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":{"code":"invalid_request","message":"Bad message."}}');
        return;
      }
      const answer = (updateId: number): void => {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ updateId }));
      };
      const published = publish(spaceId, body.content);
      if (typeof published === 'number') {
        answer(published);
        return;
      }
      published.then(answer, (err: unknown) => {
        process.stderr.write(`publish endpoint: ${err instanceof Error ? err.message : String(err)}\n`);
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":{"code":"internal","message":"Not published."}}');
      });
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
