import type { UpdateFrame } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { collectUpdateIds, nextFrame, TestSocket } from '../support/ws';

let server: TestServer;
let ada: Member;
let bob: Member;
let cy: Member;
beforeAll(async () => {
  server = await startServer();
  [ada, bob, cy] = await Promise.all([register(server, 'ada'), register(server, 'bob'), register(server, 'cy')]);
});
afterAll(async () => {
  await server.close();
});

describe('subscribe', () => {
  it('gives every subscriber the same message id and update id', async () => {
    const sockets = await Promise.all([ada, bob, cy].map((member) => TestSocket.connect(server.wsUrl, member.key)));
    await Promise.all(sockets.map((socket) => socket.subscribe('main')));
    const sent = await send(server, ada, 'hello all');
    expect(sent.status).toBe(201);
    const frames = (await Promise.all(sockets.map((socket) => nextFrame(socket, { type: 'update' })))) as UpdateFrame[];
    for (const frame of frames) {
      expect(frame.update.id).toBe(sent.body.updateId);
      expect(frame.update.event).toMatchObject({
        type: 'message',
        message: { id: sent.body.message.id, content: 'hello all' },
      });
    }
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  it('skips the subscriber’s own messages when receiveOwnMessages is false', async () => {
    const socket = await TestSocket.connect(server.wsUrl, ada.key);
    const headId = await socket.subscribe('main', { receiveOwnMessages: false });
    await send(server, ada, 'mine');
    const theirs = await send(server, bob, 'theirs');
    const frame = (await nextFrame(socket, { type: 'update' })) as UpdateFrame;
    expect(frame.update.id).toBe(theirs.body.updateId);
    expect(theirs.body.updateId).toBe(headId + 2);
    await socket.close();
  });

  it('replays the updates after `after`, then goes live without a gap or a repeat', async () => {
    const before = await send(server, bob, 'old');
    const socket = await TestSocket.connect(server.wsUrl, cy.key);
    const after = before.body.updateId - 1;
    const headId = await socket.subscribe('main', { after });
    expect(headId).toBe(before.body.updateId);
    const live = await send(server, bob, 'new');
    expect(await collectUpdateIds(socket, 'main', 2)).toEqual([before.body.updateId, live.body.updateId]);
    await socket.close();
  });

  it('restarts a subscription the connection already holds from the new cursor, without a repeat', async () => {
    const socket = await TestSocket.connect(server.wsUrl, cy.key);
    await socket.subscribe('main');
    await nextFrame(socket, { type: 'presence', timite: { nick: 'cy' }, state: 'online' });
    const sent: number[] = [];
    for (let n = 0; n < 4; n += 1) sent.push((await send(server, bob, `before restart ${n}`)).body.updateId);
    expect(await collectUpdateIds(socket, 'main', 4)).toEqual(sent);

    const headId = await socket.subscribe('main', { after: sent[1] });
    expect(headId).toBe(sent[3]);
    const live = await send(server, bob, 'after restart');
    expect(await collectUpdateIds(socket, 'main', 3)).toEqual([sent[2], sent[3], live.body.updateId]);
    // A later answer shows nothing else was queued: no error, no second copy, no presence churn.
    socket.send({ type: 'unsubscribe', spaceId: 'main' });
    await nextFrame(socket, { type: 'unsubscribed' });
    expect(socket.inbox).toEqual([]);
    expect(server.app.stats()).toMatchObject({ subscriptions: 0 });
    await socket.close();
  });

  it('restarts without counting as a new subscription, so a connection at the cap may restart', async () => {
    const small = await startServer({ config: { maxSubscriptionsPerConnection: 2 } });
    const dee = await register(small, 'dee');
    await api(small, 'POST', '/spaces', { key: dee.key, body: { id: 'second', name: 'Second' } });
    const socket = await TestSocket.connect(small.wsUrl, dee.key);
    await socket.subscribe('main');
    await socket.subscribe('second');
    expect(await socket.subscribe('main', { after: 0 })).toBe(0);
    expect(socket.inbox.filter((frame) => frame.type === 'error')).toEqual([]);
    expect(small.app.stats()).toMatchObject({ subscriptions: 2, hubSubscriptions: 2 });
    await socket.close();
    await small.close();
  });
});

describe('presence and activity', () => {
  it('announces online and offline on change only and lists who is online', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'lobby', name: 'Lobby' } });
    const watcher = await TestSocket.connect(server.wsUrl, ada.key);
    await watcher.subscribe('lobby');
    await nextFrame(watcher, { type: 'presence', timite: { nick: 'ada' }, state: 'online' });
    const bobFirst = await TestSocket.connect(server.wsUrl, bob.key);
    const bobSecond = await TestSocket.connect(server.wsUrl, bob.key);
    await bobFirst.subscribe('lobby');
    await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'online' });
    await bobSecond.subscribe('lobby');
    const listed = await api(server, 'GET', '/spaces/lobby/presence', { key: ada.key });
    expect((listed.body as { timites: Array<{ nick: string }> }).timites.map((timite) => timite.nick).sort()).toEqual([
      'ada',
      'bob',
    ]);

    await bobFirst.close();
    await bobSecond.close();
    await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'offline' });
    // One offline for two connections: the first close changed nothing.
    expect(watcher.inbox.filter((frame) => frame.type === 'presence' && frame.timite.nick === 'bob')).toEqual([]);

    // Restarting a subscription is not leaving: no offline, no second online.
    const bobAgain = await TestSocket.connect(server.wsUrl, bob.key);
    await bobAgain.subscribe('lobby');
    await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'online' });
    await bobAgain.subscribe('lobby', { after: 0 });
    await bobAgain.close();
    await nextFrame(watcher, { type: 'presence', timite: { nick: 'bob' }, state: 'offline' });
    expect(watcher.inbox.filter((frame) => frame.type === 'presence' && frame.timite.nick === 'bob')).toEqual([]);
    await watcher.close();
    await waitFor(() => server.app.stats().presenceEntries === 0, 'presence to empty');
  });

  it('sends activity to the other subscribers but not back to the sender', async () => {
    const sender = await TestSocket.connect(server.wsUrl, ada.key);
    const other = await TestSocket.connect(server.wsUrl, bob.key);
    await sender.subscribe('main');
    await other.subscribe('main');
    sender.send({ type: 'activity', spaceId: 'main', activity: 'typing' });
    expect(await nextFrame(other, { type: 'activity' })).toEqual({
      type: 'activity',
      spaceId: 'main',
      timite: ada.timite,
      activity: 'typing',
    });
    // A later frame to the sender shows that nothing was queued for it before.
    sender.send({ type: 'unsubscribe', spaceId: 'main' });
    await nextFrame(sender, { type: 'unsubscribed' });
    expect(sender.inbox.some((frame) => frame.type === 'activity')).toBe(false);
    await Promise.all([sender.close(), other.close()]);
  });
});
