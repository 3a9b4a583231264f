import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { API_PREFIX, ErrorBody } from '@tim/protocol';
import winston from 'winston';
import { register, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * Requests that are broken or given up by the client (found by fuzzing and probing, issue
 * 19): each is answered with a 4xx, or, when nobody is left to answer, counted; none of them
 * is a server error, and none writes an error-level log line.
 */

const logged: Array<Record<string, unknown>> = [];
let server: TestServer;
let ada: Member;

beforeAll(async () => {
  const memory = new Writable({
    objectMode: true,
    write(entry: Record<string, unknown>, _encoding, done) {
      logged.push(entry);
      done();
    },
  });
  server = await startServer({
    logger: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: memory })] }),
  });
  ada = await register(server, 'ada');
});
afterAll(async () => {
  await server.close();
});

function errorLines(): Array<Record<string, unknown>> {
  return logged.filter((entry) => entry['level'] === 'error');
}

async function expectError(answer: Response, status: number, code: string): Promise<void> {
  const body: unknown = JSON.parse(await answer.text());
  expect({ status: answer.status, code: ErrorBody.parse(body).error.code }).toEqual({ status, code });
}

describe('a path segment that does not percent-decode', () => {
  type Key = 'none' | 'valid' | 'invalid';
  /** Express decodes a route's parameters as it matches, before the session is checked. */
  const rows: Array<[string, string, Key, number, string]> = [
    ['GET', '/spaces/%zz/presence', 'none', 400, 'invalid_request'],
    ['GET', '/spaces/%zz/presence', 'valid', 400, 'invalid_request'],
    ['GET', '/spaces/%zz/presence', 'invalid', 400, 'invalid_request'],
    ['GET', '/spaces/%/presence', 'none', 400, 'invalid_request'],
    ['GET', '/spaces/%E0/updates', 'none', 400, 'invalid_request'],
    ['GET', '/spaces/%E0/updates', 'valid', 400, 'invalid_request'],
    // The posting route checks the key first, as for every post, then the space id.
    ['POST', '/spaces/%zz/messages', 'valid', 400, 'invalid_request'],
    ['POST', '/spaces/%zz/messages', 'none', 401, 'unauthenticated'],
    ['GET', '/spaces/%zz/messages', 'valid', 404, 'not_found'],
    ['GET', '/me%zz', 'valid', 404, 'not_found'],
    ['GET', '/nowhere/%zz', 'none', 404, 'not_found'],
  ];

  it.each(rows)('answers %s %s (key: %s) with %d %s and logs no error', async (method, path, key, status, code) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key !== 'none') headers.authorization = `Bearer ${key === 'valid' ? ada.key : 'not-a-key'}`;
    const answer = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify({ content: 'hi' }) : undefined,
    });
    await expectError(answer, status, code);
    expect(errorLines()).toEqual([]);
  });
});

describe('a body whose Content-Encoding does not decode', () => {
  const body = JSON.stringify({ nick: 'zed', password: 'correct horse' });
  const corrupt = (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes);
    copy.fill(0x55, 2, Math.min(copy.length, 12));
    return copy;
  };
  const cases: Array<[string, Buffer]> = [
    ['gzip', corrupt(gzipSync(body))],
    ['gzip', gzipSync(body).subarray(0, 12)],
    ['gzip', Buffer.from('not gzip at all')],
    ['deflate', corrupt(deflateSync(body))],
    ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02])],
  ];

  /** Posts the bytes to a route of the Express stack and to the posting route. */
  async function postEncoded(encoding: string, bytes: Buffer | string): Promise<Response[]> {
    const answers: Response[] = [];
    for (const path of ['/register', '/spaces/main/messages']) {
      const headers = {
        authorization: `Bearer ${ada.key}`,
        'content-type': 'application/json',
        'content-encoding': encoding,
      };
      answers.push(await fetch(`${server.baseUrl}${API_PREFIX}${path}`, { method: 'POST', headers, body: bytes }));
    }
    return answers;
  }

  it.each(cases)(
    'answers %s garbage with 400 invalid_request on the Express stack and the posting route',
    async (encoding, bytes) => {
      for (const answer of await postEncoded(encoding, bytes)) await expectError(answer, 400, 'invalid_request');
      expect(errorLines()).toEqual([]);
    },
  );

  it('answers an encoding it does not accept with 415 unsupported_media_type on both', async () => {
    for (const answer of await postEncoded('compress', 'whatever'))
      await expectError(answer, 415, 'unsupported_media_type');
  });
});

/** The value of a counter without labels, read from GET /metrics. */
async function readCounter(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/**
 * Sends a post's headers with `Expect: 100-continue`: Node answers `100 Continue` as it hands the
 * request to tim-code, so once that arrives the body is being read. Then half the body, then
 * the connection is cut.
 */
async function abortHalfSentPost(path: string): Promise<void> {
  const { port } = new URL(server.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `POST ${API_PREFIX}${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${ada.key}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n',
  );
  let received = '';
  while (!received.includes('100 Continue')) received += String((await once(socket, 'data'))[0]);
  socket.write('{"content":"half of it');
  socket.destroy();
}

describe('a post the client gives up halfway', () => {
  it('is counted in tim_http_requests_aborted_total and logged at debug, never at error', async () => {
    const perPath = 20;
    const before = (await readCounter('tim_http_requests_aborted_total')) ?? 0;
    for (let n = 0; n < perPath; n += 1) {
      await Promise.all([abortHalfSentPost('/spaces/main/messages'), abortHalfSentPost('/register')]);
    }
    const deadline = Date.now() + 5000;
    let count = await readCounter('tim_http_requests_aborted_total');
    while (count !== before + 2 * perPath && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      count = await readCounter('tim_http_requests_aborted_total');
    }
    expect(count).toBe(before + 2 * perPath);
    expect(errorLines()).toEqual([]);
    expect(logged.filter((entry) => entry['message'] === 'request aborted by the client')).toHaveLength(2 * perPath);
    // The server still serves.
    const answer = await fetch(`${server.baseUrl}${API_PREFIX}/me`, {
      headers: { authorization: `Bearer ${ada.key}` },
    });
    expect(answer.status).toBe(200);
  });
});
