import { CLOSE_SLOW_CONSUMER } from '@tim/protocol';
import { register, send } from '../support/http';
import { startServer, UNLIMITED_RATES, waitFor, type TestServer } from '../support/start-server';
import { collectUpdateIds, nextFrame, TestSocket } from '../support/ws';

describe('heartbeat', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { heartbeatMs: 50 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps a peer that answers pings and terminates one that misses two, releasing its state', async () => {
    const ada = await register(server, 'ada');
    const alive = await TestSocket.connect(server.wsUrl, ada.key);
    await alive.subscribe('main');
    const silent = await TestSocket.open(server.wsUrl, { autoPong: false });
    silent.send({ type: 'auth', key: ada.key });
    await silent.subscribe('main');
    expect(server.app.stats().subscriptions).toBe(2);

    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated: no close frame
    await waitFor(() => server.app.stats().connections === 1, 'the silent peer to be released');
    expect(server.app.stats()).toMatchObject({ subscriptions: 1, presenceEntries: 1 });
    const sent = await send(server, ada, 'still alive');
    expect(await collectUpdateIds(alive, 'main', 1)).toEqual([sent.body.updateId]);
    await alive.close();
  });
});

describe('application-level ping', () => {
  let server: TestServer;
  beforeAll(async () => {
    // One activity frame per hour: if pings were counted against it, the activity below would be refused.
    server = await startServer({ config: { heartbeatMs: 1000, rateActivity: { points: 1, durationSeconds: 3600 } } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('announces the heartbeat interval in ready', async () => {
    const ada = await register(server, 'ada');
    const socket = await TestSocket.open(server.wsUrl);
    socket.send({ type: 'auth', key: ada.key });
    expect(await nextFrame(socket, { type: 'ready' })).toEqual({
      type: 'ready',
      timite: ada.timite,
      heartbeatMs: 1000,
      extensions: ['streams', 'messages', 'unread', 'abilities'],
    });
    await socket.close();
  });

  it('answers each ping with a pong to the sender alone, echoing its id, outside the activity rate limit', async () => {
    const [ada, bob] = await Promise.all([register(server, 'pinger'), register(server, 'watcher')]);
    const pinger = await TestSocket.connect(server.wsUrl, ada.key);
    const watcher = await TestSocket.connect(server.wsUrl, bob.key);
    await pinger.subscribe('main');
    await watcher.subscribe('main');

    for (const id of ['1', '2', '3']) pinger.send({ type: 'ping', id });
    pinger.send({ type: 'ping' });
    for (const id of ['1', '2', '3']) expect(await nextFrame(pinger, { type: 'pong' })).toEqual({ type: 'pong', id });
    expect(await nextFrame(pinger, { type: 'pong' })).toEqual({ type: 'pong' });

    pinger.send({ type: 'activity', spaceId: 'main', activity: 'typing' });
    await nextFrame(watcher, { type: 'activity', timite: { id: ada.timite.id } });
    expect(watcher.inbox.filter((frame) => frame.type === 'pong')).toEqual([]);
    expect(pinger.inbox.filter((frame) => frame.type === 'error')).toEqual([]);
    await Promise.all([pinger.close(), watcher.close()]);
  });

  it('refuses a ping with an invalid id and stays open', async () => {
    const ada = await register(server, 'sloppy');
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    socket.send({ type: 'ping', id: '' });
    await nextFrame(socket, { type: 'error', code: 'invalid_request' });
    socket.send({ type: 'ping', id: 'x' });
    expect(await nextFrame(socket, { type: 'pong' })).toEqual({ type: 'pong', id: 'x' });
    await socket.close();
  });
});

describe('slow consumer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { slowConsumerBytes: 64 * 1024, ...UNLIMITED_RATES } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('closes a subscriber that stops reading with 4008, while sends and other subscribers carry on', async () => {
    const [writer, reader] = await Promise.all([register(server, 'writer'), register(server, 'reader')]);
    const healthy = await TestSocket.connect(server.wsUrl, reader.key);
    const stalled = await TestSocket.connect(server.wsUrl, reader.key);
    await healthy.subscribe('main');
    await stalled.subscribe('main');
    // Stop reading: the kernel buffers fill, then ws buffers, then the server's queue.
    const rawSocket = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    rawSocket.pause();

    const content = 'x'.repeat(3900);
    const ids: number[] = [];
    let closedBy: number | undefined;
    void stalled.closed.then(({ code }) => (closedBy = code));
    // Bounded: the kernel buffers on loopback hold a few MiB at most.
    for (let n = 0; n < 3000 && server.app.stats().connections === 2; n += 1) {
      const answer = await send(server, writer, content);
      expect(answer.status).toBe(201);
      ids.push(answer.body.updateId);
    }
    await waitFor(() => server.app.stats().connections === 1, 'the stalled subscriber to be released');
    expect(await collectUpdateIds(healthy, 'main', ids.length, 30_000)).toEqual(ids);
    rawSocket.resume();
    await stalled.closed;
    expect(closedBy).toBe(CLOSE_SLOW_CONSUMER);
    await healthy.close();
  }, 60_000);
});
