import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { helmetForTim, securityHeaderList } from './cross-origin';

/** Header names (lower case) and values of a list as `writeHead` takes it. */
function asRecord(list: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let n = 0; n < list.length; n += 2) record[(list[n] as string).toLowerCase()] = list[n + 1] as string;
  return record;
}

describe('securityHeaderList', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    // helmet itself, on a real request and response, as the list's source of truth.
    const helmet = helmetForTim();
    server = createServer((req, res) => {
      helmet(req, res, (err) => {
        res.statusCode = err === undefined || err === null ? 200 : 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds exactly the headers helmet sets on a real answer, whatever the request', async () => {
    const list = asRecord(securityHeaderList());
    for (const init of [
      {},
      { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://x.example' }, body: '{}' },
    ]) {
      const answer = await fetch(`${baseUrl}/api/v1/spaces/main/messages`, init);
      expect(answer.status).toBe(200);
      const fromHelmet: Record<string, string> = {};
      for (const name of Object.keys(list)) fromHelmet[name] = answer.headers.get(name) ?? '(absent)';
      expect(fromHelmet).toEqual(list);
      // Nothing beyond the list: Node's own headers only.
      const extra = [...answer.headers.keys()].filter(
        (name) => !(name in list) && !['connection', 'content-length', 'date', 'keep-alive'].includes(name),
      );
      expect(extra).toEqual([]);
    }
    expect(list['content-security-policy']).toContain("connect-src 'self'");
    expect(Object.keys(list)).toHaveLength(12);
  });
});
