import {
  CLOSE_AUTH_TIMEOUT,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_UNAUTHENTICATED,
  DEFAULT_LIMITS,
} from '@tim/protocol';
import { api, register, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

let server: TestServer;
let ada: Member;
beforeAll(async () => {
  server = await startServer({
    config: {
      authTimeoutMs: 200,
      maxSubscriptionsPerConnection: 2,
      maxConnectionsPerTimite: 2,
      allowedOrigins: ['http://allowed.example'],
    },
  });
  ada = await register(server, 'ada');
});
afterAll(async () => {
  await server.close();
});

describe('GET /api/v1/ws: authentication', () => {
  it('answers ready with the timite for a valid key', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    socket.send({ type: 'auth', key: ada.key });
    expect(await nextFrame(socket, { type: 'ready' })).toEqual({
      type: 'ready',
      timite: ada.timite,
      heartbeatMs: DEFAULT_LIMITS.heartbeatMs,
      extensions: ['streams', 'messages', 'unread', 'abilities'],
    });
    await socket.close();
  });

  it('answers an error frame and closes 4401 for a bad key', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    socket.send({ type: 'auth', key: 'not-a-key' });
    await nextFrame(socket, { type: 'error', code: 'unauthenticated' });
    expect((await socket.closed).code).toBe(CLOSE_UNAUTHENTICATED);
  });

  it('closes 4401 when the first frame is not auth', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    socket.send({ type: 'subscribe', spaceId: 'main' });
    expect((await socket.closed).code).toBe(CLOSE_UNAUTHENTICATED);
  });

  it('closes 4408 when no auth frame comes in time', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    expect((await socket.closed).code).toBe(CLOSE_AUTH_TIMEOUT);
  });

  it("closes the session's sockets with 4401 after logout", async () => {
    const lin = await register(server, 'lin');
    const socket = await TestSocket.connect(server.wsUrl, lin.key);
    expect((await api(server, 'POST', '/logout', { key: lin.key })).status).toBe(204);
    expect((await socket.closed).code).toBe(CLOSE_UNAUTHENTICATED);
  });

  it('closes connections past the per-timite cap with 4429', async () => {
    const kim = await register(server, 'kim');
    const first = await TestSocket.connect(server.wsUrl, kim.key);
    const second = await TestSocket.connect(server.wsUrl, kim.key);
    const third = await TestSocket.open(server.wsUrl);
    third.send({ type: 'auth', key: kim.key });
    expect((await third.closed).code).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    await Promise.all([first.close(), second.close()]);
  });
});

describe('GET /api/v1/ws: origin check', () => {
  it('refuses a foreign Origin with HTTP 403 and accepts a listed or same origin', async () => {
    await expect(TestSocket.open(server.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow('403');
    const listed = await TestSocket.open(server.wsUrl, { origin: 'http://allowed.example' });
    const same = await TestSocket.open(server.wsUrl, { origin: server.baseUrl });
    await Promise.all([listed.close(), same.close()]);
  });
});

describe('GET /api/v1/ws: frames', () => {
  it('answers a malformed frame with invalid_request and stays open', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    socket.send('{not json');
    await nextFrame(socket, { type: 'error', code: 'invalid_request' });
    socket.send({ type: 'subscribe', spaceId: 'main', color: 'red' });
    const unknownField = await nextFrame(socket, { type: 'error', code: 'invalid_request' });
    expect(unknownField.type === 'error' && unknownField.message).toContain('color');
    expect(await socket.subscribe('main')).toBe(0);
    await socket.close();
  });

  it('answers not_found for an unknown space and limit_exceeded past the subscription cap', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'second', name: 'Second' } });
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'third', name: 'Third' } });
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    socket.send({ type: 'subscribe', spaceId: 'nowhere' });
    await nextFrame(socket, { type: 'error', code: 'not_found', spaceId: 'nowhere' });
    await socket.subscribe('main');
    await socket.subscribe('second');
    socket.send({ type: 'subscribe', spaceId: 'third' });
    await nextFrame(socket, { type: 'error', code: 'limit_exceeded', spaceId: 'third' });
    socket.send({ type: 'unsubscribe', spaceId: 'second' });
    await nextFrame(socket, { type: 'unsubscribed', spaceId: 'second' });
    await socket.subscribe('third');
    await socket.close();
  });

  it('closes with 1009 on a frame over the size limit', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    socket.send({ type: 'activity', spaceId: 'main', activity: 'x'.repeat(70 * 1024) });
    expect((await socket.closed).code).toBe(CLOSE_MESSAGE_TOO_BIG);
  });

  it('leaves no connection, subscription or presence behind once every socket closed', async () => {
    await waitFor(() => server.app.stats().connections === 0, 'connections to drain');
    expect(server.app.stats()).toEqual({
      connections: 0,
      subscriptions: 0,
      presenceEntries: 0,
      hubSpaces: 0,
      hubSubscriptions: 0,
      pendingFrames: 0,
      unauthenticatedSockets: 0,
      unreadWatchers: 0,
      abilityDeclarations: 0,
    });
  });
});
