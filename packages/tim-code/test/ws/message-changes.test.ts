import { SendMessageResponse, Update, type UpdateFrame } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';
import { collectUpdateIds, nextFrame, TestSocket } from '../support/ws';

/*
 * Edits, deletes and reactions reach subscribers as updates of the timeline: live, in id order
 * with the messages around them, and on resume, where the message itself shows as it is now.
 */

let server: TestServer;
let ada: Member;
let bob: Member;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
});
afterAll(async () => {
  await server.close();
});

async function connect(member: Member): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, member.key);
  sockets.push(socket);
  return socket;
}

async function collectUpdates(socket: TestSocket, count: number): Promise<Update[]> {
  const updates: Update[] = [];
  while (updates.length < count) {
    updates.push(
      Update.parse(((await nextFrame(socket, { type: 'update', update: { spaceId: 'main' } })) as UpdateFrame).update),
    );
  }
  return updates;
}

/** A message by Ada, then Bob's reaction, Ada's edit, another message and Ada's delete, in that order. */
async function changeOneMessage() {
  const sent = SendMessageResponse.parse((await send(server, ada, 'first')).body);
  const path = `/spaces/main/messages/${sent.message.id}`;
  const answers = [];
  answers.push(await api(server, 'PUT', `${path}/reactions/${encodeURIComponent('🎉')}`, { key: bob.key }));
  answers.push(await api(server, 'PATCH', path, { key: ada.key, body: { content: 'first, edited' } }));
  answers.push(await send(server, bob, 'in between'));
  answers.push(await api(server, 'DELETE', path, { key: ada.key }));
  for (const answer of answers) expect(answer.status).toBeLessThan(300);
  return sent;
}

describe('message changes over WebSocket', () => {
  it('says so in ready.extensions', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    sockets.push(socket);
    socket.send({ type: 'auth', key: ada.key });
    expect(await nextFrame(socket, { type: 'ready' })).toMatchObject({
      extensions: ['streams', 'messages', 'unread', 'abilities'],
    });
  });

  it('delivers reaction, edit and delete live, in id order with the messages around them', async () => {
    const socket = await connect(bob);
    const headId = await socket.subscribe('main');
    const sent = await changeOneMessage();
    const updates = await collectUpdates(socket, 5);
    expect(updates.map((update) => update.id)).toEqual([1, 2, 3, 4, 5].map((n) => headId + n));
    expect(updates.map((update) => update.event.type)).toEqual([
      'message',
      'reaction',
      'message_edited',
      'message',
      'message_deleted',
    ]);
    expect(updates[1]?.event).toEqual({
      type: 'reaction',
      messageId: sent.message.id,
      emoji: '🎉',
      timite: bob.timite,
      added: true,
      reactions: [{ emoji: '🎉', timites: [bob.timite] }],
    });
    expect(updates[2]?.event).toMatchObject({
      type: 'message_edited',
      messageId: sent.message.id,
      content: 'first, edited',
      editedBy: ada.timite.id,
    });
    expect(updates[4]?.event).toMatchObject({
      type: 'message_deleted',
      messageId: sent.message.id,
      deletedBy: ada.timite.id,
    });
  });

  it('replays the same updates on resume, the message shown as it is now', async () => {
    const before = SendMessageResponse.parse((await send(server, bob, 'marker')).body).updateId;
    const sent = await changeOneMessage();
    const socket = await connect(bob);
    await socket.subscribe('main', { after: before });
    const updates = await collectUpdates(socket, 5);
    expect(updates.map((update) => update.id)).toEqual([1, 2, 3, 4, 5].map((n) => before + n));
    expect(updates[0]?.event).toMatchObject({
      type: 'message',
      message: { id: sent.message.id, content: '', deletedBy: ada.timite.id },
    });
    expect(JSON.stringify(updates)).not.toContain('first, edited');
    expect(updates.map((update) => update.event.type)).toEqual([
      'message',
      'reaction',
      'message_edited',
      'message',
      'message_deleted',
    ]);
  });

  it('skips the updates the subscriber caused when receiveOwnMessages is false, live and on resume', async () => {
    const before = SendMessageResponse.parse((await send(server, bob, 'start')).body).updateId;
    const live = await connect(ada);
    await live.subscribe('main', { receiveOwnMessages: false });
    await changeOneMessage();
    // Ada's message, edit and delete are hers; Bob's reaction and message are not.
    const expected = [before + 2, before + 4];
    expect(await collectUpdateIds(live, 'main', 2)).toEqual(expected);
    const resumed = await connect(ada);
    await resumed.subscribe('main', { after: before, receiveOwnMessages: false });
    expect(await collectUpdateIds(resumed, 'main', 2)).toEqual(expected);
    // Nothing else arrives: the next update is the next one Ada did not cause.
    const next = SendMessageResponse.parse((await send(server, bob, 'after')).body).updateId;
    expect(await collectUpdateIds(live, 'main', 1)).toEqual([next]);
    expect(await collectUpdateIds(resumed, 'main', 1)).toEqual([next]);
  });
});
