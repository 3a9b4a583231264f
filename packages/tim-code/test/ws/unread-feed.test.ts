import { SendMessageResponse, SpaceResponse } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * The unread feed (unread_subscribe): space_activity for every new message in every space,
 * subscribed or not, read_marker whenever the timite's own marker moves, and space_added when
 * someone else makes the timite a member of a space.
 */

let server: TestServer;
let ada: Member;
let bob: Member;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
  expect((await api(server, 'POST', '/spaces', { key: bob.key, body: { id: 'side', name: 'Side' } })).status).toBe(201);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
});
afterAll(async () => {
  await server.close();
});

async function watch(member: Member): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, member.key);
  sockets.push(socket);
  socket.send({ type: 'unread_subscribe' });
  await nextFrame(socket, { type: 'unread_subscribed' });
  return socket;
}

describe('unread_subscribe', () => {
  it('sends space_activity for each new message of any space, and nothing for edits or reactions', async () => {
    const socket = await watch(ada);
    const sent = SendMessageResponse.parse((await send(server, bob, 'hi @ada', { spaceId: 'side' })).body);
    expect(await nextFrame(socket, { type: 'space_activity' })).toEqual({
      type: 'space_activity',
      spaceId: 'side',
      updateId: sent.updateId,
      messageId: sent.message.id,
      senderId: bob.timite.id,
      mentions: [ada.timite.id],
    });
    const path = `/spaces/side/messages/${sent.message.id}`;
    expect((await api(server, 'PATCH', path, { key: bob.key, body: { content: 'hello' } })).status).toBe(200);
    expect((await api(server, 'PUT', `${path}/reactions/ok`, { key: ada.key })).status).toBe(200);
    const next = SendMessageResponse.parse((await send(server, ada, 'in main')).body);
    expect(await nextFrame(socket, { type: 'space_activity' })).toMatchObject({
      spaceId: 'main',
      updateId: next.updateId,
      senderId: ada.timite.id,
    });
    expect(socket.inbox.filter((frame) => frame.type === 'space_activity')).toEqual([]);
  });

  it('sends read_marker to every watching connection of the timite whose marker moved, and only to them', async () => {
    const [first, second] = [await watch(ada), await watch(ada)];
    const other = await watch(bob);
    const sent = SendMessageResponse.parse((await send(server, bob, 'read me', { spaceId: 'side' })).body);
    expect(
      (await api(server, 'PUT', '/spaces/side/read', { key: ada.key, body: { updateId: sent.updateId } })).status,
    ).toBe(200);
    for (const socket of [first, second]) {
      expect(await nextFrame(socket, { type: 'read_marker' })).toEqual({
        type: 'read_marker',
        spaceId: 'side',
        readUpTo: sent.updateId,
      });
    }
    // Bob's marker moves next; his feed hears of his own only.
    expect(
      (await api(server, 'PUT', '/spaces/side/read', { key: bob.key, body: { updateId: sent.updateId } })).status,
    ).toBe(200);
    expect(await nextFrame(other, { type: 'read_marker' })).toMatchObject({ spaceId: 'side' });
    expect(other.inbox.filter((frame) => frame.type === 'read_marker')).toEqual([]);
  });

  it('sends space_added to whom someone invites to a space or opens a direct message with, and to nobody else', async () => {
    const cy = await register(server, 'cy');
    const [adaFeed, bobFeed, cyFeed] = [await watch(ada), await watch(bob), await watch(cy)];
    const post = (member: Member, path: string, body: object) => api(server, 'POST', path, { key: member.key, body });
    const addedFrames = (socket: TestSocket) => socket.inbox.filter((frame) => frame.type === 'space_added');
    for (const id of ['crew', 'deck']) {
      expect((await post(bob, '/spaces', { id, name: id, visibility: 'private' })).status).toBe(201);
    }

    expect((await post(bob, '/spaces/crew/members', { nick: 'cy' })).status).toBe(201);
    expect(await nextFrame(cyFeed, { type: 'space_added' })).toEqual({ type: 'space_added', spaceId: 'crew' });
    expect((await post(bob, '/spaces/crew/members', { nick: 'ada' })).status).toBe(201);
    expect(await nextFrame(adaFeed, { type: 'space_added' })).toEqual({ type: 'space_added', spaceId: 'crew' });
    // Sent in the order of the invitations: had cy's reached ada, it would be in her inbox by now.
    expect(addedFrames(adaFeed)).toEqual([]);

    const opened = await post(ada, '/dms', { nicks: ['bob'] });
    expect(opened.status).toBe(201);
    const dmId = SpaceResponse.parse(opened.body).space.id;
    // Ada's own other connections hear of it too.
    for (const socket of [bobFeed, adaFeed]) {
      expect(await nextFrame(socket, { type: 'space_added' })).toEqual({ type: 'space_added', spaceId: dmId });
    }

    // Neither opening the same DM again nor joining by oneself tells anyone.
    expect((await post(bob, '/dms', { nicks: ['ada'] })).status).toBe(200);
    expect((await post(cy, '/spaces/side/join', {})).status).toBe(201);
    expect((await post(bob, '/spaces/deck/members', { nick: 'cy' })).status).toBe(201);
    expect(await nextFrame(cyFeed, { type: 'space_added' })).toEqual({ type: 'space_added', spaceId: 'deck' });
    expect((await post(bob, '/spaces/deck/members', { nick: 'ada' })).status).toBe(201);
    expect(await nextFrame(adaFeed, { type: 'space_added' })).toEqual({ type: 'space_added', spaceId: 'deck' });
    for (const socket of [adaFeed, bobFeed, cyFeed]) expect(addedFrames(socket)).toEqual([]);
  });

  it('answers a repeated unread_subscribe without doubling the feed, and stops when the connection closes', async () => {
    const socket = await watch(ada);
    socket.send({ type: 'unread_subscribe' });
    await nextFrame(socket, { type: 'unread_subscribed' });
    await waitFor(() => server.app.stats().unreadWatchers === 1, 'one watcher, however often it asked');
    await send(server, bob, 'once');
    await nextFrame(socket, { type: 'space_activity' });
    await send(server, bob, 'twice');
    await nextFrame(socket, { type: 'space_activity' });
    expect(socket.inbox.filter((frame) => frame.type === 'space_activity')).toEqual([]);
    await socket.close();
    await waitFor(() => server.app.stats().unreadWatchers === 0, 'the watcher to be released');
  });
});
