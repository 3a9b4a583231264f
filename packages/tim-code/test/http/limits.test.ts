import { DEFAULT_LIMITS, ErrorBody, LimitsResponse, SpacesResponse, UpdatesResponse } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Each refused input is checked twice: the answer (status, code, the field named) and that it
 * changed nothing (nothing stored, the same client and others keep working).
 */

let server: TestServer;
let ada: Member;
let watcher: TestSocket;

beforeAll(async () => {
  server = await startServer();
  ada = await register(server, 'ada');
  const bob = await register(server, 'bob');
  watcher = await TestSocket.connect(server.wsUrl, bob.key);
  await watcher.subscribe('main');
});
afterAll(async () => {
  await watcher.close();
  await server.close();
});

const errorOf = (body: unknown) => ErrorBody.parse(body).error;

async function headId(spaceId = 'main'): Promise<number> {
  const answer = await api(server, 'GET', `/spaces/${spaceId}/updates?after=0&limit=1`, { key: ada.key });
  return UpdatesResponse.parse(answer.body).headId;
}

/** A send that must work right after a refusal; the watcher gets exactly its update next. */
async function expectNextSendDelivered(before: number): Promise<void> {
  const ok = await send(server, ada, 'after the refusal');
  expect(ok.status).toBe(201);
  expect(ok.body.updateId).toBe(before + 1);
  const frame = await nextFrame(watcher, { type: 'update' });
  expect(frame).toMatchObject({ update: { id: before + 1 } });
}

describe('message content', () => {
  it('refuses more than 4000 code points after trimming, stores nothing, and accepts exactly 4000', async () => {
    const before = await headId();
    const tooLong = await send(server, ada, `  ${'😀'.repeat(4001)}  `);
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong.body)).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('content'),
    });
    expect(await headId()).toBe(before);

    const exactly = await send(server, ada, `  ${'😀'.repeat(4000)}  `);
    expect(exactly.status).toBe(201);
    expect(exactly.body.message.content).toBe('😀'.repeat(4000));
    await nextFrame(watcher, { type: 'update', update: { id: before + 1 } });
  });

  it('refuses empty and whitespace-only content and stores nothing', async () => {
    const before = await headId();
    for (const content of ['', ' ', '\n\t  ']) {
      const answer = await send(server, ada, content);
      expect(answer.status).toBe(400);
      expect(errorOf(answer.body).message).toContain('content');
    }
    expect(await headId()).toBe(before);
    await expectNextSendDelivered(before);
  });
});

describe('configured content and body limits (TIM_MAX_CONTENT_CHARS, TIM_MAX_BODY_BYTES)', () => {
  let limited: TestServer;
  let carol: Member;
  beforeAll(async () => {
    limited = await startServer({ env: { TIM_MAX_CONTENT_CHARS: '100', TIM_MAX_BODY_BYTES: '2048' } });
    carol = await register(limited, 'carol');
  });
  afterAll(async () => {
    await limited.close();
  });

  it('refuses content over TIM_MAX_CONTENT_CHARS with 400 invalid_request naming the limit, and accepts exactly it', async () => {
    const tooLong = await send(limited, carol, '😀'.repeat(101));
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong.body)).toMatchObject({
      code: 'invalid_request',
      message: 'Field "content": A message is at most 100 characters.',
    });
    const exactly = await send(limited, carol, '😀'.repeat(100));
    expect(exactly.status).toBe(201);
    expect(exactly.body.updateId).toBe(1);
  });

  it('answers 413 for a body over TIM_MAX_BODY_BYTES and accepts one of exactly that size', async () => {
    const json = JSON.stringify({ content: 'padded with JSON whitespace' });
    const padded = (bytes: number) => json + ' '.repeat(bytes - Buffer.byteLength(json));
    const over = await api(limited, 'POST', '/spaces/main/messages', { key: carol.key, body: padded(2049) });
    expect(over.status).toBe(413);
    expect(errorOf(over.body).code).toBe('payload_too_large');
    const exactly = await api(limited, 'POST', '/spaces/main/messages', { key: carol.key, body: padded(2048) });
    expect(exactly.status).toBe(201);
  });

  it('tells anyone the configured limits at GET /api/v1/limits, and the defaults where none is set', async () => {
    const configured = await api(limited, 'GET', '/limits');
    expect(configured.status).toBe(200);
    expect(LimitsResponse.parse(configured.body).limits).toEqual({
      messageChars: 100,
      httpBodyBytes: 2048,
      wsFrameBytes: DEFAULT_LIMITS.wsFrameBytes,
      subscriptionsPerConnection: DEFAULT_LIMITS.subscriptionsPerConnection,
      connectionsPerTimite: DEFAULT_LIMITS.connectionsPerTimite,
    });
    const defaults = await api(server, 'GET', '/limits');
    expect(LimitsResponse.parse(defaults.body).limits).toMatchObject({
      messageChars: DEFAULT_LIMITS.messageChars,
      httpBodyBytes: DEFAULT_LIMITS.httpBodyBytes,
    });
  });

  it('accepts content past the protocol default once TIM_MAX_CONTENT_CHARS and TIM_MAX_BODY_BYTES are raised', async () => {
    const raised = await startServer({ env: { TIM_MAX_CONTENT_CHARS: '5000', TIM_MAX_BODY_BYTES: '20256' } });
    try {
      const dave = await register(raised, 'dave');
      const answer = await send(raised, dave, '😀'.repeat(5000));
      expect(answer.status).toBe(201);
      expect(answer.body.message.content).toBe('😀'.repeat(5000));
      expect((await send(raised, dave, 'x'.repeat(5001))).status).toBe(400);
    } finally {
      await raised.close();
    }
  });
});

describe('request bodies', () => {
  it('answers 413 for a body over 16 KiB, stores nothing, and the next send works', async () => {
    const before = await headId();
    const answer = await api(server, 'POST', '/spaces/main/messages', {
      key: ada.key,
      body: { content: 'x'.repeat(3000), clientMsgId: 'big', padding: 'p'.repeat(16 * 1024) },
    });
    expect(answer.status).toBe(413);
    expect(errorOf(answer.body).code).toBe('payload_too_large');
    expect(await headId()).toBe(before);
    await expectNextSendDelivered(before);
  });

  it('answers 400 naming an unknown field on every body route, and creates nothing', async () => {
    const cases = [
      { path: '/register', body: { nick: 'eve', password: 'long enough', admin: true }, field: 'admin' },
      { path: '/register', body: { nick: 'eve', password: 'long enough', kind: 'agent' }, field: 'kind' },
      { path: '/login', body: { nick: 'ada', password: 'correct horse', remember: true }, field: 'remember' },
      { path: '/spaces', body: { id: 'eve-space', name: 'Eve', owner: 1 }, field: 'owner' },
      { path: '/spaces/main/messages', body: { content: 'hi', color: 'red' }, field: 'color' },
    ];
    const before = await headId();
    for (const { path, body, field } of cases) {
      const answer = await api(server, 'POST', path, { key: ada.key, body });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(errorOf(answer.body)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining(field) });
    }
    expect(await headId()).toBe(before);
    expect((await register(server, 'eve')).timite.kind).toBe('human');
    const spaces = SpacesResponse.parse((await api(server, 'GET', '/spaces', { key: ada.key })).body).spaces;
    expect(spaces.map((space) => space.id)).not.toContain('eve-space');
  });

  it('answers 400 naming the field for a wrong type, and creates nothing', async () => {
    const cases = [
      { path: '/register', body: { nick: 42, password: 'long enough' }, field: 'nick' },
      { path: '/login', body: { nick: 'ada', password: ['correct horse'] }, field: 'password' },
      { path: '/spaces', body: { id: 'typed', name: { text: 'x' } }, field: 'name' },
      { path: '/spaces/main/messages', body: { content: 7 }, field: 'content' },
      { path: '/spaces/main/messages', body: { content: 'hi', clientMsgId: 12 }, field: 'clientMsgId' },
    ];
    const before = await headId();
    for (const { path, body, field } of cases) {
      const answer = await api(server, 'POST', path, { key: ada.key, body });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(errorOf(answer.body).message).toContain(field);
    }
    expect(await headId()).toBe(before);
    await expectNextSendDelivered(before);
  });

  it('answers 415 for a body that is not application/json on every body route, and creates nothing', async () => {
    const before = await headId();
    const bodies = [
      { path: '/register', body: JSON.stringify({ nick: 'zed', password: 'long enough' }) },
      { path: '/spaces', body: JSON.stringify({ id: 'zed-space', name: 'Zed' }) },
      { path: '/spaces/main/messages', body: JSON.stringify({ content: 'hi' }) },
    ];
    for (const { path, body } of bodies) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const answer = await api(server, 'POST', path, { key: ada.key, body, headers: { 'content-type': type } });
        expect({ path, type, status: answer.status }).toEqual({ path, type, status: 415 });
        expect(errorOf(answer.body).code).toBe('unsupported_media_type');
      }
    }
    expect(await headId()).toBe(before);
    expect((await register(server, 'zed')).timite.nick).toBe('zed');
  });
});

describe('query strings', () => {
  it('answer 400 naming the parameter for a wrong type, a value out of range or an unknown name', async () => {
    for (const [query, name] of [
      ['after=abc', 'after'],
      ['before=-3', 'before'],
      ['limit=501', 'limit'],
      ['limit=1e400', 'limit'],
      ['color=red', 'color'],
    ] as const) {
      const answer = await api(server, 'GET', `/spaces/main/updates?${query}`, { key: ada.key });
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(errorOf(answer.body).message).toContain(name);
    }
  });
});

describe('nick and space id formats', () => {
  it('refuses nicks outside 1–32 of [A-Za-z0-9_.-] naming the field, and accepts the edges', async () => {
    for (const nick of ['', 'has space', 'émile', 'at@sign', 'x'.repeat(33), 'semi;colon']) {
      const answer = await api(server, 'POST', '/register', { body: { nick, password: 'long enough' } });
      expect({ nick, status: answer.status }).toEqual({ nick, status: 400 });
      expect(errorOf(answer.body).message).toContain('nick');
    }
    expect((await register(server, 'A.b_c-9')).timite.nick).toBe('A.b_c-9');
    expect((await register(server, 'n'.repeat(32))).timite.nick).toBe('n'.repeat(32));
  });

  it('refuses space ids outside 1–40 of [a-z0-9-] naming the field, and creates none', async () => {
    const listBefore = (await api(server, 'GET', '/spaces', { key: ada.key })).body;
    for (const id of ['', 'Upper', 'under_score', 'dot.ted', 'x'.repeat(41), 'spa ce']) {
      const answer = await api(server, 'POST', '/spaces', { key: ada.key, body: { id, name: 'Name' } });
      expect({ id, status: answer.status }).toEqual({ id, status: 400 });
      expect(errorOf(answer.body).message).toContain('id');
    }
    expect((await api(server, 'GET', '/spaces', { key: ada.key })).body).toEqual(listBefore);
    const created = await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'a'.repeat(40), name: 'Edge' } });
    expect(created.status).toBe(201);
  });

  it('answers 400 for a malformed space id in a path, not 404', async () => {
    const answer = await api(server, 'GET', '/spaces/Not_A_Slug/updates', { key: ada.key });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body).code).toBe('invalid_request');
  });
});
