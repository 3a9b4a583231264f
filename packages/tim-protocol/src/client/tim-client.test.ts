import { WebSocket } from 'ws';
import type { Message, Space, Timite } from '../schemas/entities';
import { parseRetryAfter } from './http-request';
import { TimClient } from './tim-client';
import { TimClientError } from './tim-client-error';
import { reply, startFakeHttp, type FakeHttp, type Responder } from './test-support/fake-http';
import { ADA, makeUpdate } from './test-support/fake-peer';

const AT = '2026-01-01T00:00:00.000Z';
const SESSION = { key: 'key-ada', timiteId: ADA.id, createdAt: AT, expiresAt: '2026-01-31T00:00:00.000Z' };
const MAIN: Space = { id: 'main', name: 'Main', createdAt: AT };

let http: FakeHttp | undefined;

afterEach(async () => {
  await http?.close();
  http = undefined;
});

async function clientAnswering(respond: Responder, key?: string): Promise<{ client: TimClient; http: FakeHttp }> {
  http = await startFakeHttp(respond);
  const client = new TimClient({ baseUrl: http.baseUrl, backoff: { minMs: 1, maxMs: 5 }, ...(key ? { key } : {}) });
  return { client, http };
}

function messageFor(body: unknown): Message {
  const { content, clientMsgId } = body as { content: string; clientMsgId: string };
  return { id: 10, spaceId: 'main', sender: ADA, content, mentions: [], createdAt: AT, clientMsgId };
}

async function failure(promise: Promise<unknown>): Promise<TimClientError> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof TimClientError)) throw new Error(`Expected a TimClientError, got ${String(error)}`);
  return error;
}

describe('TimClient over HTTP', () => {
  it('keeps the key from register and sends it as a bearer token; logout forgets it', async () => {
    const { client, http } = await clientAnswering((request, response) => {
      if (request.url === '/api/v1/register') return reply(response, 201, { session: SESSION, timite: ADA });
      if (request.url === '/api/v1/me') return reply(response, 200, { timite: ADA });
      return reply(response, 204);
    });
    const answer = await client.register({ nick: 'ada', password: 'correct horse' });
    expect(answer.session.key).toBe('key-ada');
    expect(client.key).toBe('key-ada');
    expect(await client.me()).toEqual(ADA);
    await client.logout();
    expect(client.key).toBeUndefined();

    expect(http.requests.map(({ method, url, headers }) => [method, url, headers.authorization])).toEqual([
      ['POST', '/api/v1/register', undefined],
      ['GET', '/api/v1/me', 'Bearer key-ada'],
      ['POST', '/api/v1/logout', 'Bearer key-ada'],
    ]);
    expect(http.requests[0]?.body).toEqual({ nick: 'ada', password: 'correct horse' });
  });

  it('lists and creates spaces and reads presence', async () => {
    const side: Space = { id: 'side', name: 'Side', createdAt: AT };
    const online: Timite[] = [ADA];
    const { client } = await clientAnswering((request, response) => {
      if (request.method === 'POST') return reply(response, 201, { space: side });
      if (request.url === '/api/v1/spaces') return reply(response, 200, { spaces: [MAIN], nextCursor: 'bWFpbg' });
      if (request.url === '/api/v1/spaces?after=bWFpbg&limit=1') return reply(response, 200, { spaces: [side] });
      return reply(response, 200, { timites: online });
    }, 'key-ada');
    expect(await client.listSpaces()).toEqual({ spaces: [MAIN], nextCursor: 'bWFpbg' });
    expect(await client.listSpaces({ after: 'bWFpbg', limit: 1 })).toEqual({ spaces: [side] });
    expect(await client.createSpace({ id: 'side', name: 'Side' })).toEqual(side);
    expect(await client.presence('main')).toEqual(online);
  });

  it("reads the server's limits and from then on checks content against its content limit", async () => {
    const limits = {
      messageChars: 5000,
      httpBodyBytes: 20_256,
      wsFrameBytes: 65_536,
      subscriptionsPerConnection: 50,
      connectionsPerTimite: 20,
    };
    const { client, http } = await clientAnswering((request, response) => {
      if (request.url === '/api/v1/limits') return reply(response, 200, { limits });
      return reply(response, 201, { message: messageFor(request.body), updateId: 1 });
    }, 'key-ada');
    expect((await failure(client.sendMessage('main', 'x'.repeat(4001)))).code).toBe('invalid_request');
    expect(await client.limits()).toEqual(limits);
    expect((await client.sendMessage('main', 'x'.repeat(5000))).created).toBe(true);
    const tooLong = await failure(client.sendMessage('main', 'x'.repeat(5001)));
    expect(tooLong).toMatchObject({ code: 'invalid_request', message: 'A message is at most 5000 characters.' });
    expect(http.requests.map((request) => request.url)).toEqual(['/api/v1/limits', '/api/v1/spaces/main/messages']);
  });

  it('pages the timeline with after, before and limit', async () => {
    const { client, http } = await clientAnswering(
      (_request, response) => reply(response, 200, { updates: [makeUpdate('main', 4)], headId: 9, timites: [ADA] }),
      'key-ada',
    );
    const page = await client.readUpdates('main', { after: 3, limit: 1 });
    expect(page).toEqual({ updates: [makeUpdate('main', 4)], headId: 9, timites: [ADA] });
    await client.readUpdates('main', { before: 5, limit: 1 });
    await client.readUpdates('main');
    expect(http.requests.map((request) => request.url)).toEqual([
      '/api/v1/spaces/main/updates?after=3&limit=1',
      '/api/v1/spaces/main/updates?before=5&limit=1',
      '/api/v1/spaces/main/updates',
    ]);
  });

  it('sends a generated clientMsgId and reports 201 as created, 200 as the original', async () => {
    let seen = false;
    const { client, http } = await clientAnswering((request, response) => {
      reply(response, seen ? 200 : 201, { message: messageFor(request.body), updateId: 4 });
      seen = true;
    }, 'key-ada');
    const sent = await client.sendMessage('main', '  hello  ');
    expect(sent.created).toBe(true);
    expect(sent.updateId).toBe(4);
    const clientMsgId = sent.message.clientMsgId;
    expect(clientMsgId).toMatch(/^[0-9a-f-]{36}$/);
    expect(http.requests[0]?.body).toEqual({ content: 'hello', clientMsgId });

    const again = await client.sendMessage('main', 'hello', { clientMsgId: clientMsgId ?? '' });
    expect(again.created).toBe(false);
    expect(http.requests[1]?.body).toEqual({ content: 'hello', clientMsgId });
  });

  it('retries a send whose answer was lost with the same clientMsgId', async () => {
    const { client, http } = await clientAnswering((request, response) => {
      // The first attempt is stored but its answer never arrives; the retry gets the original.
      if (http.requests.length === 1) return response.socket?.destroy();
      return reply(response, 200, { message: messageFor(request.body), updateId: 4 });
    }, 'key-ada');
    const sent = await client.sendMessage('main', 'hello');
    expect(sent.created).toBe(false);
    const ids = http.requests.map((request) => (request.body as { clientMsgId: string }).clientMsgId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it('rebuilds the server error code with status, details and Retry-After', async () => {
    const { client } = await clientAnswering((request, response) => {
      if (request.method === 'POST') {
        return reply(response, 429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'retry-after': '3' });
      }
      return reply(response, 409, { error: { code: 'conflict', message: 'Taken.', details: { field: 'id' } } });
    }, 'key-ada');
    const limited = await failure(client.sendMessage('main', 'hi'));
    expect(limited).toMatchObject({ code: 'rate_limited', message: 'Slow down.', status: 429, retryAfterSeconds: 3 });
    const conflict = await failure(client.listSpaces());
    expect(conflict).toMatchObject({ code: 'conflict', status: 409, details: { field: 'id' } });
    expect(conflict.retryAfterSeconds).toBeUndefined();
  });

  it('keeps error codes it does not know yet', async () => {
    const { client } = await clientAnswering((_request, response) =>
      reply(response, 418, { error: { code: 'teapot', message: 'Short and stout.' } }),
    );
    expect(await failure(client.me())).toMatchObject({ code: 'teapot', status: 418 });
  });

  it('reports answers that do not match the protocol as invalid_response', async () => {
    const { client } = await clientAnswering((request, response) => {
      if (request.url === '/api/v1/me') return reply(response, 200, { timite: { id: 'one' } });
      return response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    });
    expect(await failure(client.me())).toMatchObject({ code: 'invalid_response', status: 200 });
    expect(await failure(client.listSpaces())).toMatchObject({ code: 'invalid_response', status: 502 });
  });

  it('reports an unreachable server as network after the retries', async () => {
    const { client, http } = await clientAnswering((_request, response) => reply(response, 204));
    await http.close();
    const error = await failure(client.sendMessage('main', 'hi'));
    expect(error.code).toBe('network');
    expect(error.status).toBeUndefined();
    expect(await failure(client.me())).toMatchObject({ code: 'network' });
  });

  it('reads, edits, deletes and reacts to one message with the right method and path', async () => {
    const current: Message = { ...messageFor({ content: 'hello', clientMsgId: 'c-1' }), editedAt: AT };
    const { client, http } = await clientAnswering(
      (request, response) =>
        request.method === 'GET' && request.url?.includes('/messages/')
          ? reply(response, 200, { message: current, updateId: 4 })
          : reply(response, 200, { message: current, updateId: 9 }),
      'key-ada',
    );
    expect(await client.getMessage('main', 10)).toEqual({ message: current, updateId: 4 });
    expect(await client.editMessage('main', 10, '  hello ')).toEqual({ message: current, updateId: 9 });
    await client.deleteMessage('main', 10);
    await client.addReaction('main', 10, '👍');
    await client.removeReaction('main', 10, ':+1:');
    await client.sendMessage('main', 'an answer', { clientMsgId: 'c-2', replyTo: 10 });
    expect(http.requests.map(({ method, url }) => [method, url])).toEqual([
      ['GET', '/api/v1/spaces/main/messages/10'],
      ['PATCH', '/api/v1/spaces/main/messages/10'],
      ['DELETE', '/api/v1/spaces/main/messages/10'],
      ['PUT', `/api/v1/spaces/main/messages/10/reactions/${encodeURIComponent('👍')}`],
      ['DELETE', '/api/v1/spaces/main/messages/10/reactions/%3A%2B1%3A'],
      ['POST', '/api/v1/spaces/main/messages'],
    ]);
    expect(http.requests[1]?.body).toEqual({ content: 'hello' });
    expect(http.requests[5]?.body).toEqual({ content: 'an answer', clientMsgId: 'c-2', replyTo: 10 });
  });

  it('moves the read marker and searches, paging with the cursor', async () => {
    const hit = { message: messageFor({ content: 'release notes', clientMsgId: 'c-1' }), updateId: 4 };
    const { client, http } = await clientAnswering(
      (request, response) =>
        request.url?.startsWith('/api/v1/search')
          ? reply(response, 200, { results: [hit], nextCursor: 'n-1' })
          : reply(response, 200, { spaceId: 'main', readUpTo: 4 }),
      'key-ada',
    );
    expect(await client.markRead('main', 4)).toEqual({ spaceId: 'main', readUpTo: 4 });
    expect(await client.search({ q: 'release', order: 'relevance' })).toEqual({ results: [hit], nextCursor: 'n-1' });
    await client.search({ q: 'release', spaceId: 'main', cursor: 'n-1', limit: 5 });
    expect(http.requests.map(({ method, url }) => [method, url])).toEqual([
      ['PUT', '/api/v1/spaces/main/read'],
      ['GET', '/api/v1/search?q=release&order=relevance'],
      ['GET', '/api/v1/search?q=release&spaceId=main&cursor=n-1&limit=5'],
    ]);
    expect(http.requests[0]?.body).toEqual({ updateId: 4 });
  });

  it('manages spaces, members, DMs, registration and invites with the right method, path and body', async () => {
    const secret: Space = { id: 'secret', name: 'Secret', createdAt: AT };
    const member = { timite: ADA, role: 'owner', joinedAt: AT };
    const dm: Space = { id: 'dm-abc', name: 'ada, bob', createdAt: AT };
    let dmsOpened = 0;
    const { client, http } = await clientAnswering((request, response) => {
      const route = `${request.method} ${request.url}`;
      if (route === 'POST /api/v1/spaces') return reply(response, 201, { space: secret });
      if (route === 'PATCH /api/v1/spaces/secret') return reply(response, 200, { space: secret });
      if (route === 'GET /api/v1/spaces/secret/members') return reply(response, 200, { members: [member] });
      if (route === 'POST /api/v1/spaces/secret/members') return reply(response, 201, { member });
      if (route === 'PATCH /api/v1/spaces/secret/members/2') return reply(response, 200, { member });
      if (route === 'POST /api/v1/spaces/secret/join') return reply(response, 201, { member });
      if (route === 'POST /api/v1/dms') return reply(response, (dmsOpened += 1) === 1 ? 201 : 200, { space: dm });
      if (route === 'GET /api/v1/registration') return reply(response, 200, { policy: 'invite' });
      if (route === 'POST /api/v1/invites') return reply(response, 201, { code: 'c0de', uses: 3, expiresAt: null });
      if (route === 'GET /api/v1/spaces?scope=public&q=sec') return reply(response, 200, { spaces: [secret] });
      return reply(response, 204);
    }, 'key-ada');
    expect(await client.createSpace({ id: 'secret', name: 'Secret', visibility: 'private' })).toEqual(secret);
    expect(await client.updateSpace('secret', { archived: true })).toEqual(secret);
    expect(await client.listMembers('secret')).toEqual([member]);
    expect(await client.addMember('secret', 'bob', 'admin')).toEqual(member);
    expect(await client.changeRole('secret', 2, 'member')).toEqual(member);
    await client.removeMember('secret', 2);
    await client.removeMember('secret', 'me');
    expect(await client.joinSpace('secret')).toEqual(member);
    expect(await client.openDm(['bob'])).toEqual({ space: dm, created: true });
    expect(await client.openDm(['BOB'])).toEqual({ space: dm, created: false });
    expect(await client.registrationPolicy()).toBe('invite');
    expect(await client.createInvite({ uses: 3 })).toEqual({ code: 'c0de', uses: 3, expiresAt: null });
    expect(await client.listSpaces({ scope: 'public', q: 'sec' })).toEqual({ spaces: [secret] });

    expect(http.requests.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['POST', '/api/v1/spaces', { id: 'secret', name: 'Secret', visibility: 'private' }],
      ['PATCH', '/api/v1/spaces/secret', { archived: true }],
      ['GET', '/api/v1/spaces/secret/members', undefined],
      ['POST', '/api/v1/spaces/secret/members', { nick: 'bob', role: 'admin' }],
      ['PATCH', '/api/v1/spaces/secret/members/2', { role: 'member' }],
      ['DELETE', '/api/v1/spaces/secret/members/2', undefined],
      ['DELETE', '/api/v1/spaces/secret/members/me', undefined],
      ['POST', '/api/v1/spaces/secret/join', undefined],
      ['POST', '/api/v1/dms', { nicks: ['bob'] }],
      ['POST', '/api/v1/dms', { nicks: ['BOB'] }],
      ['GET', '/api/v1/registration', undefined],
      ['POST', '/api/v1/invites', { uses: 3 }],
      ['GET', '/api/v1/spaces?scope=public&q=sec', undefined],
    ]);
  });

  it('sends an invite code with a registration and refuses bad access input before sending it', async () => {
    const { client, http } = await clientAnswering((_request, response) =>
      reply(response, 201, { session: SESSION, timite: ADA }),
    );
    await client.register({ nick: 'ada', password: 'correct horse', inviteCode: 'c0de' });
    expect(http.requests[0]?.body).toEqual({ nick: 'ada', password: 'correct horse', inviteCode: 'c0de' });
    expect((await failure(client.updateSpace('main', {}))).code).toBe('invalid_request');
    expect((await failure(client.openDm([]))).code).toBe('invalid_request');
    expect((await failure(client.addMember('main', 'not a nick'))).code).toBe('invalid_request');
    expect(http.requests).toHaveLength(1);
  });

  it('refuses invalid input before sending it', async () => {
    const { client, http } = await clientAnswering((_request, response) => reply(response, 204));
    expect(await failure(client.createSpace({ id: 'Not A Slug', name: 'x' }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(await failure(client.sendMessage('main', '   '))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(client.readUpdates('main', { after: 1, before: 5 }))).toMatchObject({
      code: 'invalid_request',
    });
    expect(await failure(client.editMessage('main', 10, ' '))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(client.addReaction('main', 10, 'two words'))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(client.search({ q: '' }))).toMatchObject({ code: 'invalid_request' });
    expect(http.requests).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const nowMs = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', nowMs)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', nowMs)).toBe(10);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', nowMs)).toBe(0);
    expect(parseRetryAfter('soon', nowMs)).toBeUndefined();
    expect(parseRetryAfter(null, nowMs)).toBeUndefined();
  });
});

describe('TimClient.connect', () => {
  it('derives the WebSocket URL from baseUrl (http→ws, https→wss, path kept)', () => {
    const urls: string[] = [];
    class RecordingSocket {
      readonly readyState = 3;
      onopen: unknown = null;
      onmessage: unknown = null;
      onclose: unknown = null;
      onerror: unknown = null;
      constructor(url: string) {
        urls.push(url);
      }
      send(): void {}
      close(): void {}
    }
    for (const baseUrl of ['http://127.0.0.1:8787', 'https://tim.example/chat/']) {
      new TimClient({ baseUrl, key: 'key-ada', WebSocket: RecordingSocket }).connect().close();
    }
    expect(urls).toEqual(['ws://127.0.0.1:8787/api/v1/ws', 'wss://tim.example/chat/api/v1/ws']);
  });

  it('needs a key', () => {
    const client = new TimClient({ baseUrl: 'http://127.0.0.1:1', WebSocket });
    expect(() => client.connect()).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
  });
});
