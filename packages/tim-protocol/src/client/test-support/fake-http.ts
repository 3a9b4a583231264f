/**
 * A small node:http server on 127.0.0.1, port 0, standing in for tim-code's HTTP API in
 * TimClient tests. Each test passes a responder that answers as the scenario needs (status,
 * headers, body, or a dropped socket); every request is recorded with its parsed JSON body.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTimeout } from './waiting';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type Responder = (request: RecordedRequest, response: ServerResponse) => void;

export interface FakeHttp {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export function reply(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function startFakeHttp(respond: Responder): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(request);
      respond(request, res);
    });
  });
  await withTimeout(
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    'the fake HTTP server to listen',
    2000,
  );
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    /** Idempotent, so a test may stop the server early to stage an unreachable one. */
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}
