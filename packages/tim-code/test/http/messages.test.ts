import { ErrorBody, UpdatesResponse } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

let server: TestServer;
let ada: Member;
let bob: Member;
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'Bob')]);
});
afterAll(async () => {
  await server.close();
});

const codeOf = (body: unknown) => ErrorBody.parse(body).error.code;

describe('POST /api/v1/spaces/:spaceId/messages', () => {
  it('stores trimmed content, resolves @mentions of existing timites and answers 201 with the update id', async () => {
    const answer = await send(server, ada, '  hi @bob and @nobody, @BOB again  ');
    expect(answer.status).toBe(201);
    expect(answer.body.message).toMatchObject({
      spaceId: 'main',
      sender: ada.timite,
      content: 'hi @bob and @nobody, @BOB again',
      mentions: [bob.timite.id],
    });
    expect(answer.body.updateId).toBeGreaterThan(0);
  });

  it('answers a repeated clientMsgId with 200 and the original, and 409 when the content differs', async () => {
    const first = await send(server, ada, 'once', { clientMsgId: 'retry-1' });
    const again = await send(server, ada, 'once', { clientMsgId: 'retry-1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    const different = await send(server, ada, 'something else', { clientMsgId: 'retry-1' });
    expect(different.status).toBe(409);
    expect(codeOf(different.body)).toBe('conflict');
    // Another sender's clientMsgId is its own.
    expect((await send(server, bob, 'once', { clientMsgId: 'retry-1' })).status).toBe(201);
  });

  it('answers 404 for an unknown space and 401 without a key', async () => {
    expect((await send(server, ada, 'hello', { spaceId: 'nowhere' })).status).toBe(404);
    const anonymous = await api(server, 'POST', '/spaces/main/messages', { body: { content: 'hi' } });
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous.body)).toBe('unauthenticated');
  });

  it('answers 400 for empty content, 413 for a body over 16 KiB and 415 for a non-JSON body', async () => {
    const empty = await send(server, ada, '   ');
    expect(empty.status).toBe(400);
    expect(ErrorBody.parse(empty.body).error.message).toContain('content');
    const huge = await api(server, 'POST', '/spaces/main/messages', {
      key: ada.key,
      body: { content: 'x'.repeat(17 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(codeOf(huge.body)).toBe('payload_too_large');
    const text = await api(server, 'POST', '/spaces/main/messages', {
      key: ada.key,
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(codeOf(text.body)).toBe('unsupported_media_type');
    const broken = await api(server, 'POST', '/spaces/main/messages', { key: ada.key, body: '{"content":' });
    expect(broken.status).toBe(400);
  });
});

describe('POST /api/v1/spaces/:spaceId/messages, what else it answers with', () => {
  const ORIGIN = 'https://chat.example.com';
  let counted: TestServer;
  let sessionLookups = 0;
  beforeAll(async () => {
    counted = await startServer({
      config: { allowedOrigins: [ORIGIN] },
      wrapStorage: (storage) => ({
        ...storage,
        findSession: (keyHash, now) => {
          sessionLookups += 1;
          return storage.findSession(keyHash, now);
        },
      }),
    });
  });
  afterAll(async () => {
    await counted.close();
  });

  it("looks the sender's key up in storage once, not for every message", async () => {
    const cat = await register(counted, 'cat');
    sessionLookups = 0;
    for (let n = 0; n < 5; n += 1) expect((await send(counted, cat, `message ${n}`)).status).toBe(201);
    expect(sessionLookups).toBe(1);
  });

  it('sets the security headers, echoes a sane X-Request-Id and answers an allowed origin with CORS headers', async () => {
    const cat = await register(counted, 'cat2');
    const answer = await fetch(`${counted.baseUrl}/api/v1/spaces/main/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${cat.key}`,
        'x-request-id': 'req-42',
        origin: ORIGIN,
      },
      body: JSON.stringify({ content: 'headers' }),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-request-id')).toBe('req-42');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After,X-Request-Id');
    expect(answer.headers.get('vary')).toBe('Origin');
    expect(answer.headers.get('x-powered-by')).toBeNull();

    const foreign = await api(counted, 'POST', '/spaces/main/messages', {
      key: cat.key,
      body: { content: 'no cors' },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const generated = foreign.headers.get('x-request-id') ?? '';
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 400 for JSON whose top level is not an object or array, and for a body cut short', async () => {
    const cat = await register(counted, 'cat3');
    for (const body of ['"hello"', '42', 'null', '{"content":"hi"']) {
      const answer = await api(counted, 'POST', '/spaces/main/messages', { key: cat.key, body });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(ErrorBody.parse(answer.body).error).toEqual({
        code: 'invalid_request',
        message: 'The request body is not valid JSON.',
      });
    }
  });

  it("checks the key before the body's shape, and names an unknown field", async () => {
    const answer = await api(counted, 'POST', '/spaces/main/messages', {
      key: 'not-a-key',
      body: { content: 'hi', extra: 1 },
    });
    expect(answer.status).toBe(401);
    const unknownField = await api(counted, 'POST', '/spaces/main/messages', {
      key: (await register(counted, 'cat4')).key,
      body: { content: 'hi', extra: 1 },
    });
    expect(unknownField.status).toBe(400);
    expect(ErrorBody.parse(unknownField.body).error.message).toBe('Unknown field(s): "extra".');
  });
});

describe('GET /api/v1/spaces/:spaceId/updates', () => {
  it('pages forward with after and back with before, with headId and the senders', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'paging', name: 'Paging' } });
    const ids: number[] = [];
    for (let n = 1; n <= 6; n += 1)
      ids.push((await send(server, n % 2 === 0 ? ada : bob, `m${n}`, { spaceId: 'paging' })).body.updateId);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);

    const forward = UpdatesResponse.parse(
      (await api(server, 'GET', '/spaces/paging/updates?after=2&limit=3', { key: ada.key })).body,
    );
    expect(forward.updates.map((update) => update.id)).toEqual([3, 4, 5]);
    expect(forward.headId).toBe(6);
    expect(forward.timites.map((timite) => timite.nick).sort()).toEqual(['Bob', 'ada']);

    const back = UpdatesResponse.parse(
      (await api(server, 'GET', '/spaces/paging/updates?before=5&limit=2', { key: ada.key })).body,
    );
    expect(back.updates.map((update) => update.id)).toEqual([3, 4]);

    const empty = await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'empty', name: 'Empty' } });
    expect(empty.status).toBe(201);
    const none = UpdatesResponse.parse((await api(server, 'GET', '/spaces/empty/updates', { key: ada.key })).body);
    expect(none).toEqual({ updates: [], headId: 0, timites: [] });
  });

  it('answers 400 for an unknown query parameter or a bad limit and 404 for an unknown space', async () => {
    expect((await api(server, 'GET', '/spaces/main/updates?limit=0', { key: ada.key })).status).toBe(400);
    expect((await api(server, 'GET', '/spaces/main/updates?sort=desc', { key: ada.key })).status).toBe(400);
    expect((await api(server, 'GET', '/spaces/nowhere/updates', { key: ada.key })).status).toBe(404);
  });

  it('answers 400 invalid_request, not 500, for a space id that is not validly percent-encoded', async () => {
    const answer = await api(server, 'GET', '/spaces/%E0/updates', { key: ada.key });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('/api/v1/spaces', () => {
  it('lists main, creates a space and answers 409 for a taken id', async () => {
    const created = await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'garden', name: 'Garden' } });
    expect(created.status).toBe(201);
    expect((await api(server, 'POST', '/spaces', { key: bob.key, body: { id: 'garden', name: 'Again' } })).status).toBe(
      409,
    );
    const list = (await api(server, 'GET', '/spaces', { key: ada.key })).body as { spaces: Array<{ id: string }> };
    expect(list.spaces.map((space) => space.id)).toEqual(expect.arrayContaining(['main', 'garden']));
    expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'Bad Id', name: 'x' } })).status).toBe(
      400,
    );
  });
});

describe('errors', () => {
  it('answers unknown routes with the error body and never a stack', async () => {
    const answer = await api(server, 'GET', '/no-such-route');
    expect(answer.status).toBe(404);
    expect(codeOf(answer.body)).toBe('not_found');
  });
});
