import { ErrorBody, ErrorCode, HTTP_STATUS_BY_CODE, SendMessageResponse } from '@tim/protocol';
import fc from 'fast-check';
import { startServer, type TestServer } from '../support/start-server';
import { hugeNumberText, junkJsonText } from './junk';

/*
 * Whatever a client sends, the server answers with a status below 500 and, for an error, the
 * contract's body with a code whose status matches the table. Generous rate limits keep the
 * rate limiter out of the way: it is tested on its own.
 */

const RUNS = 60;

const CONTENT_TYPES = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/jsonp',
    ),
  },
);

interface Answer {
  status: number;
  body: unknown;
}

let server: TestServer;
let key: string;

async function call(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: string; contentType?: string; key?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Asserted below: every error answer must be JSON.
  }
  return { status: response.status, body };
}

/** The contract: no 5xx; an error is `{ error: { code, message, details? } }` with a matching status. */
function expectContractAnswer(answer: Answer, what: string): void {
  if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  if (answer.status < 400) return;
  const parsed = ErrorBody.safeParse(answer.body);
  if (!parsed.success)
    throw new Error(`${what} answered ${answer.status} with a body off the contract: ${JSON.stringify(answer.body)}`);
  const code = ErrorCode.parse(parsed.data.error.code);
  expect(HTTP_STATUS_BY_CODE[code]).toBe(answer.status);
}

async function expectNormalSendWorks(): Promise<void> {
  const answer = await call('POST', '/api/v1/spaces/main/messages', {
    body: JSON.stringify({ content: 'still here' }),
    contentType: 'application/json',
    key,
  });
  expect(answer.status).toBe(201);
  expect(SendMessageResponse.parse(answer.body).message.content).toBe('still here');
}

beforeAll(async () => {
  server = await startServer({
    config: {
      rateMessages: { points: 100_000, durationSeconds: 1 },
      rateLogin: { points: 100_000, durationSeconds: 1 },
      rateRegister: { points: 100_000, durationSeconds: 1 },
    },
  });
  const answer = await call('POST', '/api/v1/register', {
    body: JSON.stringify({ nick: 'prop-user', password: 'prop-password' }),
    contentType: 'application/json',
  });
  expect(answer.status).toBe(201);
  key = (answer.body as { session: { key: string } }).session.key;
});

afterAll(async () => {
  await server.close();
});

describe('HTTP bodies under generated junk', () => {
  it.each([
    ['POST /api/v1/register', '/api/v1/register', ['nick', 'password'], false],
    ['POST /api/v1/login', '/api/v1/login', ['nick', 'password'], false],
    ['POST /api/v1/spaces', '/api/v1/spaces', ['id', 'name'], true],
    ['POST /api/v1/spaces/main/messages', '/api/v1/spaces/main/messages', ['content', 'clientMsgId'], true],
  ] as const)(
    '%s never answers 5xx and always answers errors in the contract shape',
    async (name, path, fields, authenticated) => {
      await fc.assert(
        fc.asyncProperty(junkJsonText(fields), CONTENT_TYPES, async (body, contentType) => {
          const answer = await call('POST', path, { body, contentType, key: authenticated ? key : undefined });
          expectContractAnswer(answer, `${name} with ${contentType ?? 'no content type'} ${JSON.stringify(body)}`);
        }),
        { numRuns: RUNS },
      );
      await expectNormalSendWorks();
    },
  );

  it('POST /api/v1/spaces/:spaceId/messages refuses junk space ids in the contract shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (spaceId) => {
        const answer = await call('POST', `/api/v1/spaces/${encodeURIComponent(spaceId)}/messages`, {
          body: JSON.stringify({ content: 'hello' }),
          contentType: 'application/json',
          key,
        });
        expectContractAnswer(answer, `space id ${JSON.stringify(spaceId)}`);
      }),
      { numRuns: RUNS },
    );
    await expectNormalSendWorks();
  });

  it('GET /api/v1/spaces/main/updates refuses junk query strings in the contract shape', async () => {
    const name = fc.oneof(fc.constantFrom('after', 'before', 'limit'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      hugeNumberText,
      fc.integer().map(String),
      fc.double().map(String),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 4 }), async (pairs) => {
        const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const answer = await call('GET', `/api/v1/spaces/main/updates?${query}`, { key });
        expectContractAnswer(answer, `query ${query}`);
      }),
      { numRuns: RUNS },
    );
    await expectNormalSendWorks();
  });

  it('answers junk bearer keys with 401 in the contract shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\x21-\x7e]{1,80}$/), async (junkKey) => {
        const answer = await call('GET', '/api/v1/me', { key: junkKey });
        expect(answer.status).toBe(401);
        expectContractAnswer(answer, `key ${junkKey}`);
      }),
      { numRuns: RUNS },
    );
    await expectNormalSendWorks();
  });
});
