import { gzipSync } from 'node:zlib';
import { API_PREFIX, ErrorBody, SendMessageResponse } from '@tim/protocol';
import { StoreUnavailableError } from '../../src/storage/store-unavailable';
import { register, type Member } from '../support/http';
import { startServer, UNLIMITED_RATES, type TestServer } from '../support/start-server';

/*
 * The behaviour contract of posting a message: one row per kind of request, with the status,
 * error code and headers it is answered with. Every answer, success or failure, carries the
 * same security headers as the rest of the API, the request id and, for an allowed origin,
 * the CORS headers. A change to the posting route or to the middleware it shares with the
 * rest of the API that changes an answer fails here.
 */

const ALLOWED_ORIGIN = 'https://chat.example.com';
const MESSAGES_BUDGET = 20;
const MAX_BODY_BYTES = 1024;

let server: TestServer;
let isStoreDown = false;
/** Posts the good rows; its budget is far from spent. */
let poster: Member;
/** Has spent its message budget before the table runs. */
let spender: Member;
/** The security headers of an answer from another route (GET /spaces), for comparison. */
let apiSecurityHeaders: Record<string, string | null>;

const SECURITY_HEADER_NAMES = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

function securityHeadersOf(headers: Headers): Record<string, string | null> {
  return Object.fromEntries(SECURITY_HEADER_NAMES.map((name) => [name, headers.get(name)]));
}

beforeAll(async () => {
  server = await startServer({
    config: {
      ...UNLIMITED_RATES,
      rateMessages: { points: MESSAGES_BUDGET, durationSeconds: 3600 },
      allowedOrigins: [ALLOWED_ORIGIN],
      maxBodyBytes: MAX_BODY_BYTES,
    },
    wrapStorage: (storage) => ({
      ...storage,
      appendMessage: (input) =>
        isStoreDown
          ? Promise.reject(new StoreUnavailableError({ cause: new Error('connection refused') }))
          : storage.appendMessage(input),
    }),
  });
  [poster, spender] = await Promise.all([register(server, 'poster'), register(server, 'spender')]);
  for (let n = 0; n < MESSAGES_BUDGET; n += 1) {
    const answer = await post({ key: spender.key, body: json({ content: `spending ${n}` }) });
    expect(answer.status).toBe(201);
  }
  const spaces = await fetch(`${server.baseUrl}${API_PREFIX}/spaces`, {
    headers: { authorization: `Bearer ${poster.key}` },
  });
  expect(spaces.status).toBe(200);
  apiSecurityHeaders = securityHeadersOf(spaces.headers);
});
afterAll(async () => {
  await server.close();
});

interface PostRequest {
  /** Relative to the API prefix. @default '/spaces/main/messages' */
  path?: string;
  /** A member's key, or any other string sent as the Bearer key. */
  key?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  method?: string;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function post(request: PostRequest): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  if (request.key !== undefined) headers.authorization = `Bearer ${request.key}`;
  const isStream = request.body instanceof ReadableStream;
  return fetch(`${server.baseUrl}${API_PREFIX}${request.path ?? '/spaces/main/messages'}`, {
    method: request.method ?? 'POST',
    headers,
    body: request.body,
    ...(isStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/** A body sent chunked (no Content-Length): fetch streams a ReadableStream. */
function chunked(...parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });
}

interface Row {
  name: string;
  request: () => PostRequest;
  status: number;
  /** The error code; absent for a success. */
  code?: string;
  /** The error message, where the sentence itself is part of the contract. */
  message?: string;
  /** Headers that must be present with these values (null: absent). */
  headers?: Record<string, string | null>;
  before?: () => void;
  after?: () => void;
}

const NOT_JSON = 'The request body is not valid JSON.';

const ROWS: Row[] = [
  {
    name: 'a good post',
    request: () => ({ key: poster.key, body: json({ content: 'hello' }) }),
    status: 201,
  },
  {
    name: 'a good post with charset=utf-8 and a clientMsgId',
    request: () => ({
      key: poster.key,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: json({ content: 'once', clientMsgId: 'row-1' }),
    }),
    status: 201,
  },
  {
    name: 'the same clientMsgId again',
    request: () => ({ key: poster.key, body: json({ content: 'once', clientMsgId: 'row-1' }) }),
    status: 200,
  },
  {
    name: 'a chunked body',
    request: () => ({ key: poster.key, body: chunked('{"content":', '"in two chunks"}') }),
    status: 201,
  },
  {
    name: 'a gzip-compressed body',
    request: () => ({
      key: poster.key,
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(json({ content: 'compressed' })),
    }),
    status: 201,
  },
  {
    name: 'a percent-encoded space id',
    request: () => ({ key: poster.key, path: '/spaces/m%61in/messages', body: json({ content: 'encoded' }) }),
    status: 201,
  },
  {
    name: 'a query string',
    request: () => ({ key: poster.key, path: '/spaces/main/messages?via=table', body: json({ content: 'query' }) }),
    status: 201,
  },
  {
    name: 'JSON cut short',
    request: () => ({ key: poster.key, body: '{"content":' }),
    status: 400,
    code: 'invalid_request',
    message: NOT_JSON,
  },
  {
    name: 'JSON whose top level is a string',
    request: () => ({ key: poster.key, body: '"hello"' }),
    status: 400,
    code: 'invalid_request',
    message: NOT_JSON,
  },
  {
    name: 'JSON null',
    request: () => ({ key: poster.key, body: 'null' }),
    status: 400,
    code: 'invalid_request',
    message: NOT_JSON,
  },
  {
    name: 'a text/plain body',
    request: () => ({ key: poster.key, headers: { 'content-type': 'text/plain' }, body: 'hello' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a body without a content type',
    request: () => ({ key: poster.key, headers: { 'content-type': '' }, body: new TextEncoder().encode('{}') }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a body in another charset',
    request: () => ({
      key: poster.key,
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
      body: json({ content: 'latin' }),
    }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a body over TIM_MAX_BODY_BYTES',
    request: () => ({ key: poster.key, body: json({ content: 'x'.repeat(MAX_BODY_BYTES) }) }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a chunked body over TIM_MAX_BODY_BYTES',
    request: () => ({ key: poster.key, body: chunked('{"content":"', 'x'.repeat(MAX_BODY_BYTES), '"}') }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'no key',
    request: () => ({ body: json({ content: 'anonymous' }) }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a key that is not valid',
    request: () => ({ key: 'not-a-key', body: json({ content: 'hi', extra: 1 }) }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a space id that is not valid',
    request: () => ({ key: poster.key, path: '/spaces/Bad%20Id/messages', body: json({ content: 'hi' }) }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a space id that does not decode',
    request: () => ({ key: poster.key, path: '/spaces/%E0/messages', body: json({ content: 'hi' }) }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a path with a trailing slash',
    request: () => ({ key: poster.key, path: '/spaces/main/messages/', body: json({ content: 'hi' }) }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an unknown space',
    request: () => ({ key: poster.key, path: '/spaces/nowhere/messages', body: json({ content: 'hi' }) }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an unknown field',
    request: () => ({ key: poster.key, body: json({ content: 'hi', extra: 1 }) }),
    status: 400,
    code: 'invalid_request',
    message: 'Unknown field(s): "extra".',
  },
  {
    name: 'blank content',
    request: () => ({ key: poster.key, body: json({ content: '   ' }) }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'a sender past the budget',
    request: () => ({ key: spender.key, body: json({ content: 'one more' }) }),
    status: 429,
    code: 'rate_limited',
    headers: { 'retry-after': expect.stringMatching(/^\d+$/) as unknown as string },
  },
  {
    name: 'a store that is not answering',
    request: () => ({ key: poster.key, body: json({ content: 'while down' }) }),
    status: 503,
    code: 'unavailable',
    headers: { 'retry-after': '2' },
    before: () => (isStoreDown = true),
    after: () => (isStoreDown = false),
  },
  {
    name: 'an allowed origin',
    request: () => ({ key: poster.key, headers: { origin: ALLOWED_ORIGIN }, body: json({ content: 'cors' }) }),
    status: 201,
    headers: {
      'access-control-allow-origin': ALLOWED_ORIGIN,
      'access-control-expose-headers': 'Retry-After,X-Request-Id',
      vary: 'Origin',
    },
  },
  {
    name: 'an allowed origin, failing',
    request: () => ({ headers: { origin: ALLOWED_ORIGIN }, body: json({ content: 'cors' }) }),
    status: 401,
    code: 'unauthenticated',
    headers: { 'access-control-allow-origin': ALLOWED_ORIGIN, vary: 'Origin' },
  },
  {
    name: 'a foreign origin',
    request: () => ({
      key: poster.key,
      headers: { origin: 'https://evil.example' },
      body: json({ content: 'no cors' }),
    }),
    status: 403,
    code: 'forbidden',
    headers: { 'access-control-allow-origin': null, 'access-control-expose-headers': null },
  },
  {
    name: 'a foreign origin, without a key and with a body that does not parse (refused first)',
    request: () => ({ headers: { origin: 'https://evil.example' }, body: '{"content":' }),
    status: 403,
    code: 'forbidden',
    headers: { 'access-control-allow-origin': null },
  },
  {
    name: 'Origin: null (a sandboxed or file: page)',
    request: () => ({ key: poster.key, headers: { origin: 'null' }, body: json({ content: 'sandboxed' }) }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'the server’s own origin',
    request: () => ({ key: poster.key, headers: { origin: server.baseUrl }, body: json({ content: 'same origin' }) }),
    status: 201,
  },
];

describe('POST /api/v1/spaces/:spaceId/messages, the behaviour contract', () => {
  it.each(ROWS)('answers $name with $status', async (row) => {
    row.before?.();
    let answer: Response;
    try {
      answer = await post({ ...row.request(), headers: { 'x-request-id': 'row-id', ...row.request().headers } });
    } finally {
      row.after?.();
    }
    const body: unknown = JSON.parse(await answer.text());
    expect(answer.status).toBe(row.status);
    if (row.code === undefined) {
      expect(SendMessageResponse.parse(body).message.spaceId).toBe('main');
    } else {
      const { error } = ErrorBody.parse(body);
      expect(error.code).toBe(row.code);
      if (row.message !== undefined) expect(error.message).toBe(row.message);
    }
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-request-id')).toBe('row-id');
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(securityHeadersOf(answer.headers)).toEqual(apiSecurityHeaders);
    for (const [name, value] of Object.entries(row.headers ?? {})) expect(answer.headers.get(name)).toEqual(value);
  });

  it('answers a CORS preflight from an allowed origin, and refuses one from another with 403 forbidden', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.baseUrl}${API_PREFIX}/spaces/main/messages`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    const foreign = await preflight('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(ErrorBody.parse(await foreign.json()).error.code).toBe('forbidden');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('has the security headers the rest of the API has, with the policies the web client needs', () => {
    expect(apiSecurityHeaders).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age=') as unknown as string,
      'content-security-policy': expect.stringContaining("connect-src 'self'") as unknown as string,
    });
  });
});
