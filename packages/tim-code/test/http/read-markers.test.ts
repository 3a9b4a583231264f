import { ErrorBody, ReadMarkerResponse, SendMessageResponse, SpacesResponse, UNREAD_COUNT_CAP } from '@tim/protocol';
import { api, register, send, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * Read markers (PUT /spaces/:spaceId/read) and the unread counts GET /spaces lists with each
 * space (extensions of v1).
 */

let server: TestServer;
let ada: Member;
let bob: Member;
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
  for (const id of ['quiet', 'busy']) {
    expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id, name: id } })).status).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
});

async function unreadOf(member: Member, spaceId: string) {
  const answer = await api(server, 'GET', '/spaces?limit=100', { key: member.key });
  expect(answer.status).toBe(200);
  return SpacesResponse.parse(answer.body).spaces.find((space) => space.id === spaceId)?.unread;
}

async function markRead(member: Member, spaceId: string, updateId: unknown) {
  return api(server, 'PUT', `/spaces/${spaceId}/read`, { key: member.key, body: { updateId } });
}

async function sendIn(spaceId: string, member: Member, content: string) {
  const sent = await send(server, member, content, { spaceId });
  expect(sent.status).toBe(201);
  return SendMessageResponse.parse(sent.body);
}

describe('unread counts in GET /spaces', () => {
  it('counts messages of others after the marker, and those that mention the caller', async () => {
    expect(await unreadOf(ada, 'quiet')).toEqual({ readUpTo: 0, messages: 0, mentions: 0 });
    await sendIn('busy', bob, 'one');
    await sendIn('busy', bob, 'two for @ada');
    await sendIn('busy', ada, 'my own does not count');
    const last = await sendIn('busy', bob, 'three');
    expect(await unreadOf(ada, 'busy')).toEqual({ readUpTo: 0, messages: 3, mentions: 1 });
    // Bob's own messages are not unread to him; Ada's one is.
    expect(await unreadOf(bob, 'busy')).toEqual({ readUpTo: 0, messages: 1, mentions: 0 });

    const deleted = await api(server, 'DELETE', `/spaces/busy/messages/${last.message.id}`, { key: bob.key });
    expect(deleted.status).toBe(200);
    expect(await unreadOf(ada, 'busy')).toMatchObject({ messages: 2, mentions: 1 });
  });

  it('counts from the marker on, and every listed space has its counts', async () => {
    const first = await sendIn('quiet', bob, 'first @ada');
    await sendIn('quiet', bob, 'second');
    expect((await markRead(ada, 'quiet', first.updateId)).status).toBe(200);
    expect(await unreadOf(ada, 'quiet')).toEqual({ readUpTo: first.updateId, messages: 1, mentions: 0 });
    const listed = SpacesResponse.parse((await api(server, 'GET', '/spaces', { key: ada.key })).body).spaces;
    for (const space of listed) expect(space.unread).toEqual(expect.objectContaining({ readUpTo: expect.any(Number) }));
    expect(UNREAD_COUNT_CAP).toBe(1000);
  });
});

describe('PUT /spaces/:spaceId/read', () => {
  it('moves the marker forward only and never past the head', async () => {
    const sent = await sendIn('busy', bob, 'to read');
    const read = await markRead(ada, 'busy', sent.updateId);
    expect(read.status).toBe(200);
    expect(ReadMarkerResponse.parse(read.body)).toEqual({ spaceId: 'busy', readUpTo: sent.updateId });
    expect(ReadMarkerResponse.parse((await markRead(ada, 'busy', 1)).body).readUpTo).toBe(sent.updateId);
    expect(ReadMarkerResponse.parse((await markRead(ada, 'busy', 1_000_000)).body).readUpTo).toBe(sent.updateId);
    expect(await unreadOf(ada, 'busy')).toEqual({ readUpTo: sent.updateId, messages: 0, mentions: 0 });
    // Another timite's marker is its own.
    expect((await unreadOf(bob, 'busy'))?.readUpTo).toBe(0);
  });

  it('answers 404 for an unknown space, 400 for a bad body, 401 without a key', async () => {
    const unknown = await markRead(ada, 'nowhere', 1);
    expect([unknown.status, ErrorBody.parse(unknown.body).error.code]).toEqual([404, 'not_found']);
    for (const updateId of [-1, 'one', 1.5, undefined])
      expect((await markRead(ada, 'busy', updateId)).status).toBe(400);
    expect((await api(server, 'PUT', '/spaces/busy/read', { body: { updateId: 1 } })).status).toBe(401);
  });
});
