import { CLOSE_AUTH_TIMEOUT, CLOSE_MESSAGE_TOO_BIG, CLOSE_TOO_MANY_CONNECTIONS, ErrorFrame } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Each WebSocket limit is checked for its answer and for what it must leave alone: the same
 * connection's subscriptions (for recoverable errors), other connections of the same timite,
 * and other timites. The server reads its limits from TIM_* variables, as at a real start, at
 * values other than the defaults: this proves each variable reaches the code that enforces it.
 */

/** TIM_MAX_FRAME_BYTES here; the default is 64 KiB. */
const FRAME_BYTES = 4096;

let server: TestServer;
let ada: Member;
let bob: Member;

beforeAll(async () => {
  server = await startServer({
    env: {
      TIM_AUTH_TIMEOUT_MS: '300',
      TIM_MAX_FRAME_BYTES: String(FRAME_BYTES),
      TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
      TIM_MAX_CONNECTIONS_PER_TIMITE: '2',
    },
  });
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
  for (const id of ['one', 'two', 'three', 'four']) {
    expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id, name: id } })).status).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
});

/** Sends over HTTP and waits until `socket` got it: proof the connection still delivers. */
async function expectDelivers(socket: TestSocket, spaceId = 'main'): Promise<void> {
  const sent = await send(server, bob, `still delivered to ${spaceId}`, { spaceId });
  expect(sent.status).toBe(201);
  await nextFrame(socket, { type: 'update', update: { spaceId, id: sent.body.updateId } });
}

describe('malformed frames', () => {
  it('answer invalid_request each, and the connection keeps its subscription and stays usable', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    await socket.subscribe('main');
    const junk: Array<string | Buffer> = [
      'not json',
      '[]',
      '[{"type":"subscribe","spaceId":"main"}]',
      '{"type":"subscribe","spaceId":42}',
      '{"type":"subscribe","spaceId":"one","after":1e400}',
      '{"type":"subscribe","spaceId":"one","after":-1}',
      '{"type":"activity","spaceId":"main","activity":"dancing"}',
      '{"type":"shout"}',
      '{"type":"subscribe","spaceId":"one","extra":true}',
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    ];
    for (const frame of junk) {
      if (typeof frame === 'string') socket.ws.send(frame);
      else socket.ws.send(frame, { binary: true });
      const answer = ErrorFrame.parse(await nextFrame(socket, { type: 'error' }));
      expect({ frame: String(frame), code: answer.code }).toEqual({ frame: String(frame), code: 'invalid_request' });
    }
    expect(socket.invalid).toEqual([]);
    await expectDelivers(socket);
    expect(await socket.subscribe('one')).toBeGreaterThanOrEqual(0);
    await socket.close();
  });
});

describe('frame size (TIM_MAX_FRAME_BYTES)', () => {
  it('closes only the sender of a frame over the limit with 1009; its other connection and other timites keep receiving', async () => {
    const sibling = await TestSocket.connect(server.wsUrl, ada.key);
    await sibling.subscribe('main');
    const other = await TestSocket.connect(server.wsUrl, bob.key);
    await other.subscribe('main');
    const sender = await TestSocket.connect(server.wsUrl, ada.key);
    await sender.subscribe('main');

    sender.send({ type: 'activity', spaceId: 'main', activity: 'typing', pad: 'x'.repeat(FRAME_BYTES) });
    expect((await sender.closed).code).toBe(CLOSE_MESSAGE_TOO_BIG);
    await expectDelivers(sibling);
    await expectDelivers(other);
    await Promise.all([sibling.close(), other.close()]);
  });

  it('accepts a frame of exactly the limit', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    const frame = JSON.stringify({ type: 'unsubscribe', spaceId: 'main' });
    // Valid JSON padded with whitespace up to the limit.
    socket.send(frame + ' '.repeat(FRAME_BYTES - Buffer.byteLength(frame)));
    await nextFrame(socket, { type: 'unsubscribed', spaceId: 'main' });
    await socket.close();
  });
});

describe('subscriptions per connection (TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION)', () => {
  it('answers limit_exceeded past the cap while the existing subscriptions keep delivering, and frees a slot on unsubscribe', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    for (const spaceId of ['main', 'one', 'two']) await socket.subscribe(spaceId);
    socket.send({ type: 'subscribe', spaceId: 'three' });
    expect(ErrorFrame.parse(await nextFrame(socket, { type: 'error' }))).toMatchObject({ code: 'limit_exceeded' });
    expect(server.app.stats().subscriptions).toBe(3);
    for (const spaceId of ['main', 'one', 'two']) await expectDelivers(socket, spaceId);

    socket.send({ type: 'unsubscribe', spaceId: 'one' });
    await nextFrame(socket, { type: 'unsubscribed', spaceId: 'one' });
    await socket.subscribe('three');
    await expectDelivers(socket, 'three');
    await socket.close();
    await waitFor(() => server.app.stats().subscriptions === 0, 'the subscriptions to be released');
  });
});

describe('connections per timite (TIM_MAX_CONNECTIONS_PER_TIMITE)', () => {
  it('closes the connection past the cap with 4429, keeps the others, lets other timites in, and admits again once one closed', async () => {
    const first = await TestSocket.connect(server.wsUrl, ada.key);
    const second = await TestSocket.connect(server.wsUrl, ada.key);
    await first.subscribe('main');
    const third = await TestSocket.open(server.wsUrl);
    third.send({ type: 'auth', key: ada.key });
    expect(ErrorFrame.parse(await nextFrame(third, { type: 'error' }))).toMatchObject({ code: 'limit_exceeded' });
    expect((await third.closed).code).toBe(CLOSE_TOO_MANY_CONNECTIONS);

    await expectDelivers(first);
    const bobs = await TestSocket.connect(server.wsUrl, bob.key);
    await second.close();
    await waitFor(() => server.app.stats().connections === 2, 'the closed connection to be released');
    const again = await TestSocket.connect(server.wsUrl, ada.key);
    await Promise.all([first.close(), again.close(), bobs.close()]);
  });
});

describe('auth timeout (TIM_AUTH_TIMEOUT_MS)', () => {
  it('closes a socket that never authenticates with 4408 and leaves authenticated sockets open', async () => {
    const authenticated = await TestSocket.connect(server.wsUrl, ada.key);
    await authenticated.subscribe('main');
    const silent = await TestSocket.open(server.wsUrl);
    expect((await silent.closed).code).toBe(CLOSE_AUTH_TIMEOUT);
    await expectDelivers(authenticated);
    await authenticated.close();
    await waitFor(() => server.app.stats().connections === 0, 'every connection to be released');
  });
});

describe('activity frames per timite (TIM_RATE_ACTIVITY)', () => {
  it('answers rate_limited past the budget without fanning out, keeps the connection usable, and leaves other timites alone', async () => {
    const limited = await startServer({ config: { rateActivity: { points: 3, durationSeconds: 60 } } });
    try {
      const [sender, listener] = await Promise.all([register(limited, 'sender'), register(limited, 'listener')]);
      const sending = await TestSocket.connect(limited.wsUrl, sender.key);
      const listening = await TestSocket.connect(limited.wsUrl, listener.key);
      await sending.subscribe('main');
      await listening.subscribe('main');

      for (let i = 0; i < 3; i += 1) {
        sending.send({ type: 'activity', spaceId: 'main', activity: 'typing' });
        await nextFrame(listening, { type: 'activity', timite: { nick: 'sender' } });
      }
      sending.send({ type: 'activity', spaceId: 'main', activity: 'typing' });
      const refused = ErrorFrame.parse(await nextFrame(sending, { type: 'error' }));
      expect(refused).toMatchObject({ code: 'rate_limited', spaceId: 'main' });

      // The listener's own activity still reaches the sender, and nothing more came from the sender.
      listening.send({ type: 'activity', spaceId: 'main', activity: 'thinking' });
      await nextFrame(sending, { type: 'activity', timite: { nick: 'listener' } });
      expect(listening.inbox.filter((frame) => frame.type === 'activity')).toEqual([]);
      const sent = await send(limited, sender, 'messages are counted apart');
      expect(sent.status).toBe(201);
      await nextFrame(sending, { type: 'update', update: { id: sent.body.updateId } });
      await Promise.all([sending.close(), listening.close()]);
    } finally {
      await limited.close();
    }
  });
});
