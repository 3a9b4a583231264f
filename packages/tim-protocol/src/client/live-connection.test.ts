import { WebSocket } from 'ws';
import { CLOSE_UNAUTHENTICATED } from '../schemas/limits';
import type { TimConnection } from './live-connection';
import { TimClient, type TimClientOptions } from './tim-client';
import { collect, manualTimers, nextEvent, nextState, trackTimers } from './test-support/client-events';
import { ADA, makeUpdate, startFakePeer, type FakeConnection, type FakePeer } from './test-support/fake-peer';
import { startSilentTcpServer } from './test-support/silent-tcp-server';

let peer: FakePeer;
let sub: TimConnection | undefined;

beforeEach(async () => {
  peer = await startFakePeer();
});

afterEach(async () => {
  sub?.close();
  sub = undefined;
  await peer.close();
});

function connect(options: Partial<TimClientOptions> = {}): TimConnection {
  const client = new TimClient({
    baseUrl: peer.baseUrl,
    key: 'key-ada',
    WebSocket,
    backoff: { minMs: 1, maxMs: 20 },
    ...options,
  });
  sub = client.connect();
  return sub;
}

/** Accepts the next connection, authenticates it and confirms its subscribe frame for `main`. */
async function acceptMain(headId: number): Promise<{ connection: FakeConnection; after: number | undefined }> {
  const connection = await peer.nextConnection();
  await connection.authenticate();
  const subscribe = await connection.nextFrame('subscribe');
  expect(subscribe.spaceId).toBe('main');
  connection.send({ type: 'subscribed', spaceId: 'main', headId });
  return { connection, after: subscribe.after };
}

function updateWithId(id: number) {
  return (update: { id: number }) => update.id === id;
}

describe('TimConnection', () => {
  it('authenticates with its first frame and subscribes once ready', async () => {
    const sub = connect();
    sub.subscribe('main', { receiveOwnMessages: false });
    const ready = nextEvent(sub, 'ready');
    const connection = await peer.nextConnection();
    expect(await connection.authenticate()).toEqual({ type: 'auth', key: 'key-ada' });
    expect(await ready).toEqual(ADA);
    expect(sub.state).toBe('open');
    expect(sub.timite).toEqual(ADA);
    expect(await connection.nextFrame('subscribe')).toEqual({
      type: 'subscribe',
      spaceId: 'main',
      receiveOwnMessages: false,
    });
  });

  it('delivers exactly the missed updates after a reconnect, dropping the overlap', async () => {
    const sub = connect();
    sub.subscribe('main');
    const delivered = collect(sub, 'update');
    const first = await acceptMain(0);
    expect(first.after).toBeUndefined();
    const thirdDelivered = nextEvent(sub, 'update', updateWithId(3));
    first.connection.sendUpdates('main', [1, 2, 3]);
    await thirdDelivered;

    first.connection.drop();
    const second = await acceptMain(6);
    expect(second.after).toBe(3);
    const sixthDelivered = nextEvent(sub, 'update', updateWithId(6));
    // The replay overlaps what was delivered before the drop: 2 and 3 come again.
    second.connection.sendUpdates('main', [2, 3, 4, 5, 6]);
    await sixthDelivered;

    expect(delivered.map((update) => update.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(delivered[3]).toEqual(makeUpdate('main', 4));
    expect(sub.lastUpdateId('main')).toBe(6);
  });

  it('resumes from the asked `after`, or the confirmed headId, while nothing was delivered', async () => {
    const sub = connect();
    sub.subscribe('main');
    sub.subscribe('side', { after: 5 });
    const first = await peer.nextConnection();
    await first.authenticate();
    expect(await first.nextFrame('subscribe')).toEqual({ type: 'subscribe', spaceId: 'main' });
    expect(await first.nextFrame('subscribe')).toEqual({ type: 'subscribe', spaceId: 'side', after: 5 });
    const subscribed = nextEvent(sub, 'subscribed');
    first.send({ type: 'subscribed', spaceId: 'main', headId: 7 });
    expect(await subscribed).toEqual({ spaceId: 'main', headId: 7 });

    first.drop();
    const second = await peer.nextConnection();
    await second.authenticate();
    expect(await second.nextFrame('subscribe')).toEqual({ type: 'subscribe', spaceId: 'main', after: 7 });
    expect(await second.nextFrame('subscribe')).toEqual({ type: 'subscribe', spaceId: 'side', after: 5 });
  });

  it('moves through connecting, open, reconnecting, open and closed, with reasons', async () => {
    const sub = connect();
    const changes = collect(sub, 'state');
    expect(sub.state).toBe('connecting');
    const opened = nextState(sub, 'open');
    const first = await peer.nextConnection();
    await first.authenticate();
    await opened;

    const reopened = nextState(sub, 'open');
    first.closeWith(4008, 'slow consumer');
    await (await peer.nextConnection()).authenticate();
    await reopened;
    sub.close();

    expect(changes).toEqual([
      { previous: 'connecting', next: 'open', reason: 'ready' },
      { previous: 'open', next: 'reconnecting', reason: 'connection closed with 4008 (slow consumer)' },
      { previous: 'reconnecting', next: 'open', reason: 'ready' },
      { previous: 'open', next: 'closed', reason: 'closed by the client' },
    ]);
  });

  it('closes for good on 4401 without reconnecting', async () => {
    const timers = trackTimers();
    const sub = connect({ timers });
    const retries = collect(sub, 'retry');
    const refused = nextEvent(sub, 'error');
    const closed = nextState(sub, 'closed');
    const connection = await peer.nextConnection();
    await connection.nextFrame('auth');
    connection.send({ type: 'error', code: 'unauthenticated', message: 'Unknown key.' });
    connection.closeWith(CLOSE_UNAUTHENTICATED);

    expect(await refused).toMatchObject({ code: 'unauthenticated', message: 'Unknown key.' });
    expect((await closed).reason).toBe('connection closed with 4401');
    expect(retries).toEqual([]);
    expect(timers.pendingCount()).toBe(0);
    expect(peer.connectionCount()).toBe(1);
  });

  it('retries with a growing, fully jittered delay that a ready alone does not start over', async () => {
    const draws = [0.5, 0.25, 0.75, 0.5, 0.9];
    const sub = connect({ backoff: { minMs: 8, maxMs: 32 }, random: () => draws.shift() ?? 0 });
    const retries = collect(sub, 'retry');
    for (let refusal = 0; refusal < 4; refusal += 1) {
      const connection = await peer.nextConnection();
      connection.closeWith(1011, 'restarting');
    }
    const connection = await peer.nextConnection();
    await connection.authenticate();
    await nextState(sub, 'open');
    const retried = nextEvent(sub, 'retry');
    connection.drop();
    await retried;

    // Caps 8, 16, 32, 32 (maxMs), and still 32 after a connection that was dropped right after
    // its 'ready', before it could prove healthy (subscription-backoff.test.ts covers the reset).
    expect(retries.map(({ attempt, delayMs }) => ({ attempt, delayMs }))).toEqual([
      { attempt: 1, delayMs: 4 },
      { attempt: 2, delayMs: 4 },
      { attempt: 3, delayMs: 24 },
      { attempt: 4, delayMs: 16 },
      { attempt: 5, delayMs: 28 },
    ]);
  });

  it('drops a connection that does not answer ready in time and retries', async () => {
    const timers = manualTimers();
    const sub = connect({ timers, readyTimeoutMs: 5000, backoff: { minMs: 100, maxMs: 100 }, random: () => 0.5 });
    const silent = await peer.nextConnection();
    await silent.nextFrame('auth');
    const retried = nextEvent(sub, 'retry');
    expect(timers.fire(5000)).toBe(1);
    expect(await retried).toEqual({ attempt: 1, delayMs: 50, reason: "no 'ready' within 5000 ms" });
    expect(await silent.closed).toBe(1000);

    expect(timers.fire(50)).toBe(1);
    await (await peer.nextConnection()).authenticate(ADA, { heartbeatMs: 1000 });
    await nextState(sub, 'open');
    // The ready timer is gone; what is left is the heartbeat's first ping and the health period.
    expect(timers.pendingDelays()).toEqual([1000, 10_000]);
  });

  it('drops a connection that never answers the upgrade (a frozen server accepts TCP) and retries', async () => {
    const timers = manualTimers();
    const frozen = await startSilentTcpServer();
    try {
      const client = new TimClient({
        baseUrl: frozen.baseUrl,
        key: 'key-ada',
        WebSocket,
        timers,
        readyTimeoutMs: 5000,
        random: () => 0,
      });
      sub = client.connect();
      await frozen.nextConnection();
      const retried = nextEvent(sub, 'retry');
      expect(timers.fire(5000)).toBe(1);
      expect(await retried).toMatchObject({ attempt: 1, reason: "no 'ready' within 5000 ms" });
      expect(timers.fire(0)).toBe(1);
      await frozen.nextConnection();
    } finally {
      sub?.close();
      await frozen.close();
    }
  });

  it('ignores unknown frame types and skips unknown update kinds, which still advance the cursor', async () => {
    const sub = connect();
    sub.subscribe('main');
    const delivered = collect(sub, 'update');
    const errors = collect(sub, 'error');
    const { connection } = await acceptMain(0);
    const thirdDelivered = nextEvent(sub, 'update', updateWithId(3));
    connection.sendRaw(JSON.stringify({ type: 'welcome', motd: 'hi' }));
    connection.send({ type: 'update', update: makeUpdate('main', 1) });
    connection.send({ type: 'update', update: makeUpdate('main', 2, 'poll_opened') });
    connection.send({ type: 'update', update: makeUpdate('main', 3) });
    await thirdDelivered;

    expect(delivered.map((update) => update.id)).toEqual([1, 3]);
    expect(errors).toEqual([]);
    connection.drop();
    expect((await acceptMain(3)).after).toBe(3);
  });

  it('reports malformed frames as invalid_response and stays open', async () => {
    const sub = connect();
    sub.subscribe('main');
    const errors = collect(sub, 'error');
    const { connection } = await acceptMain(0);
    const firstDelivered = nextEvent(sub, 'update', updateWithId(1));
    connection.sendRaw('not json');
    connection.sendRaw(JSON.stringify({ type: 'subscribed', spaceId: 'main' }));
    connection.sendUpdates('main', [1]);
    await firstDelivered;

    expect(errors.map((error) => error.code)).toEqual(['invalid_response', 'invalid_response']);
    expect(sub.state).toBe('open');
  });

  it('passes error frames on and forgets a space whose subscribe was refused', async () => {
    const sub = connect();
    sub.subscribe('gone');
    sub.subscribe('main');
    const first = await peer.nextConnection();
    await first.authenticate();
    expect((await first.nextFrame('subscribe')).spaceId).toBe('gone');
    const refused = nextEvent(sub, 'error');
    first.send({ type: 'error', code: 'not_found', message: 'No such space.', spaceId: 'gone' });
    expect(await refused).toMatchObject({ code: 'not_found', spaceId: 'gone' });

    first.drop();
    const second = await peer.nextConnection();
    await second.authenticate();
    expect((await second.nextFrame('subscribe')).spaceId).toBe('main');
  });

  it('forgets a space whose subscription the server ended with a reason, and does not subscribe it again', async () => {
    const sub = connect();
    sub.subscribe('secret');
    sub.subscribe('main');
    const first = await peer.nextConnection();
    await first.authenticate();
    expect((await first.nextFrame('subscribe')).spaceId).toBe('secret');
    first.send({ type: 'subscribed', spaceId: 'secret', headId: 0 });
    expect((await first.nextFrame('subscribe')).spaceId).toBe('main');
    first.send({ type: 'subscribed', spaceId: 'main', headId: 0 });
    const ended = nextEvent(sub, 'unsubscribed');
    first.send({ type: 'unsubscribed', spaceId: 'secret', reason: 'removed' });
    expect(await ended).toEqual({ spaceId: 'secret', reason: 'removed' });

    first.drop();
    const second = await peer.nextConnection();
    await second.authenticate();
    const resubscribed = await second.nextFrame('subscribe');
    expect(resubscribed.spaceId).toBe('main');
  });

  it('passes presence and activity events on, and sends activity only while open', async () => {
    const sub = connect();
    expect(sub.sendActivity('main', 'typing')).toBe(false);
    sub.subscribe('main');
    const { connection } = await acceptMain(0);
    const presence = nextEvent(sub, 'presence');
    const activity = nextEvent(sub, 'activity');
    connection.send({ type: 'presence', spaceId: 'main', timite: ADA, state: 'online' });
    connection.send({ type: 'activity', spaceId: 'main', timite: ADA, activity: 'thinking' });
    expect(await presence).toMatchObject({ state: 'online' });
    expect(await activity).toMatchObject({ activity: 'thinking' });

    expect(sub.sendActivity('main', 'typing')).toBe(true);
    expect(await connection.nextFrame('activity')).toEqual({ type: 'activity', spaceId: 'main', activity: 'typing' });
    sub.unsubscribe('main');
    expect(await connection.nextFrame('unsubscribe')).toEqual({ type: 'unsubscribe', spaceId: 'main' });
  });

  it('refuses invalid space ids before sending anything', () => {
    const sub = connect();
    expect(() => sub.subscribe('Not A Slug')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('pings at the interval the server announced, gives a silent server up after two intervals and resumes after the last update', async () => {
    const sub = connect();
    sub.subscribe('main');
    const delivered = collect(sub, 'update');
    const frozen = await peer.nextConnection();
    await frozen.authenticate(ADA, { heartbeatMs: 50 });
    await frozen.nextFrame('subscribe');
    frozen.send({ type: 'subscribed', spaceId: 'main', headId: 0 });
    frozen.sendUpdates('main', [1, 2]);
    expect(await frozen.nextFrame('ping')).toEqual({ type: 'ping' });

    // From here the peer answers nothing, as a SIGSTOPped server does.
    const reconnecting = await nextEvent(sub, 'state', (change) => change.next === 'reconnecting');
    expect(reconnecting).toEqual({
      previous: 'open',
      next: 'reconnecting',
      reason: 'no frame from the server in 100 ms',
    });
    expect(await frozen.closed).toBe(1000);
    const resumed = await acceptMain(2);
    expect(resumed.after).toBe(2);
    const thirdDelivered = nextEvent(sub, 'update', updateWithId(3));
    resumed.connection.sendUpdates('main', [2, 3]);
    await thirdDelivered;
    expect(delivered.map((update) => update.id)).toEqual([1, 2, 3]);
  });

  it('keeps a connection whose server answers its pings', async () => {
    const sub = connect();
    const retries = collect(sub, 'retry');
    const connection = await peer.nextConnection();
    await connection.authenticate(ADA, { heartbeatMs: 100 });
    for (let round = 0; round < 5; round += 1) {
      await connection.nextFrame('ping');
      connection.send({ type: 'pong' });
    }
    expect(sub.state).toBe('open');
    expect(retries).toEqual([]);
    expect(peer.connectionCount()).toBe(1);
  });

  it('pings a server that announces no interval at fallbackHeartbeatMs and takes its invalid_request answer as a sign of life', async () => {
    const sub = connect({ fallbackHeartbeatMs: 100 });
    const retries = collect(sub, 'retry');
    const errors = collect(sub, 'error');
    const connection = await peer.nextConnection();
    await connection.authenticate();
    for (let round = 0; round < 5; round += 1) {
      await connection.nextFrame('ping');
      // What a server from before ping frames answers to one.
      connection.send({ type: 'error', code: 'invalid_request', message: 'Not a valid frame. type: Invalid input.' });
    }
    expect(sub.state).toBe('open');
    expect(retries).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('close() while open sends a normal close and leaves no timer behind', async () => {
    const timers = trackTimers();
    const sub = connect({ timers });
    const connection = await peer.nextConnection();
    await connection.authenticate(ADA, { heartbeatMs: 60_000 });
    await nextState(sub, 'open');
    sub.close();
    sub.close();
    expect(sub.state).toBe('closed');
    expect(await connection.closed).toBe(1000);
    expect(timers.pendingCount()).toBe(0);
  });

  it('close() while waiting to reconnect cancels the retry', async () => {
    const timers = trackTimers();
    const sub = connect({ timers, backoff: { minMs: 60_000, maxMs: 60_000 }, random: () => 0.5 });
    const retried = nextEvent(sub, 'retry');
    (await peer.nextConnection()).closeWith(1011);
    expect((await retried).delayMs).toBe(30_000);
    sub.close();
    expect(sub.state).toBe('closed');
    expect(timers.pendingCount()).toBe(0);
    expect(peer.connectionCount()).toBe(1);
  });
});
