import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a JSON answer with one `writeHead`: Content-Type, Content-Length and `headers`
 * (name, value, name, value…) on top of those already set on `res`.
 */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: readonly string[] = []): void {
  const text = JSON.stringify(body);
  res.writeHead(status, [
    ...headers,
    'Content-Type',
    JSON_CONTENT_TYPE,
    'Content-Length',
    String(Buffer.byteLength(text)),
  ]);
  res.end(text);
}
