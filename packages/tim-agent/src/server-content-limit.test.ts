import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, TimClient } from '@tim/protocol';
import { createServerContentLimit } from './server-content-limit';

/** A real HTTP server that answers every request with `status` and counts the requests. */
async function answering(status: number): Promise<{ server: Server; baseUrl: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'not_found', message: 'No such route.' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}`, requests: () => requests };
}

describe('createServerContentLimit', () => {
  it('takes a server without GET /limits (404) for one with the default, and asks it once', async () => {
    const old = await answering(404);
    const errors: unknown[] = [];
    const limit = createServerContentLimit(new TimClient({ baseUrl: old.baseUrl }), (err) => errors.push(err));
    expect(await limit()).toBe(DEFAULT_LIMITS.messageChars);
    expect(await limit()).toBe(DEFAULT_LIMITS.messageChars);
    expect(old.requests()).toBe(1);
    expect(errors).toEqual([]);
    old.server.close();
  });

  it('uses the default while the server cannot answer, reports it, and asks again next time', async () => {
    const failing = await answering(503);
    const errors: unknown[] = [];
    const limit = createServerContentLimit(new TimClient({ baseUrl: failing.baseUrl }), (err) => errors.push(err));
    expect(await limit()).toBe(DEFAULT_LIMITS.messageChars);
    expect(await limit()).toBe(DEFAULT_LIMITS.messageChars);
    expect(failing.requests()).toBe(2);
    expect(errors).toHaveLength(2);
    failing.server.close();
  });
});
