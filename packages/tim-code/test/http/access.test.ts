import {
  AbilitiesResponse,
  ErrorBody,
  SearchResponse,
  SendMessageResponse,
  SpaceResponse,
  SpacesResponse,
} from '@tim/protocol';
import { api, register, send, type ApiAnswer, type Member } from '../support/http';
import { UNLIMITED_RATES, startServer, type TestServer } from '../support/start-server';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Who may be where (issue 19): for a timite who is not a member, a private space does not
 * exist on any path — it answers exactly like a space that was never made — while its members
 * read and post as in any space.
 */

let server: TestServer;
let ada: Member;
let bob: Member;
let carol: Member;
let messageId: number;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer({ config: UNLIMITED_RATES });
  [ada, bob, carol] = await Promise.all([register(server, 'ada'), register(server, 'bob'), register(server, 'carol')]);
  const created = await api(server, 'POST', '/spaces', {
    key: ada.key,
    body: { id: 'secret', name: 'Secret', visibility: 'private' },
  });
  expect(created.status).toBe(201);
  expect(SpaceResponse.parse(created.body).space).toMatchObject({ id: 'secret', visibility: 'private' });
  expect((await api(server, 'POST', '/spaces/secret/members', { key: ada.key, body: { nick: 'carol' } })).status).toBe(
    201,
  );
  messageId = SendMessageResponse.parse((await send(server, carol, 'plans for quokkas', { spaceId: 'secret' })).body)
    .message.id;
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

/** A 404 exactly like that of a space that does not exist. */
function expectNoSuchSpace(answer: ApiAnswer, spaceId = 'secret'): void {
  expect(answer.status).toBe(404);
  expect(ErrorBody.parse(answer.body).error).toEqual({ code: 'not_found', message: `There is no space "${spaceId}".` });
}

describe('a private space for someone who is not a member', () => {
  const paths: Array<[string, string, string, unknown]> = [
    ['timeline', 'GET', '/spaces/secret/updates', undefined],
    ['presence', 'GET', '/spaces/secret/presence', undefined],
    ['posting', 'POST', '/spaces/secret/messages', { content: 'let me in' }],
    ['reading a message', 'GET', '/spaces/secret/messages/MID', undefined],
    ['editing', 'PATCH', '/spaces/secret/messages/MID', { content: 'edited' }],
    ['deleting', 'DELETE', '/spaces/secret/messages/MID', undefined],
    ['reacting', 'PUT', '/spaces/secret/messages/MID/reactions/%F0%9F%91%8D', undefined],
    ['taking a reaction back', 'DELETE', '/spaces/secret/messages/MID/reactions/%F0%9F%91%8D', undefined],
    ['the read marker', 'PUT', '/spaces/secret/read', { updateId: 1 }],
    ['searching in it', 'GET', '/search?q=quokkas&spaceId=secret', undefined],
    ['members', 'GET', '/spaces/secret/members', undefined],
    ['inviting', 'POST', '/spaces/secret/members', { nick: 'bob' }],
    ['changing a role', 'PATCH', '/spaces/secret/members/1', { role: 'member' }],
    ['removing a member', 'DELETE', '/spaces/secret/members/1', undefined],
    ['changing the space', 'PATCH', '/spaces/secret', { name: 'Mine now' }],
    ['joining', 'POST', '/spaces/secret/join', undefined],
    ['abilities', 'GET', '/spaces/secret/abilities', undefined],
    ['calling an ability', 'POST', '/spaces/secret/calls', { target: 1, ability: 'lookup' }],
    ['answering a call', 'POST', '/spaces/secret/calls/1/outcome', { result: 'done' }],
  ];

  it.each(paths)('%s answers 404 like an unknown space', async (_what, method, path, body) => {
    const nonMember = await api(server, method, path.replace('MID', String(messageId)), { key: bob.key, body });
    expectNoSuchSpace(nonMember);
    const unknown = await api(server, method, path.replace('secret', 'nowhere').replace('MID', '1'), {
      key: bob.key,
      body,
    });
    expectNoSuchSpace(unknown, 'nowhere');
  });

  it('is not listed, and search over every space leaves it out', async () => {
    const bobs = SpacesResponse.parse((await api(server, 'GET', '/spaces', { key: bob.key })).body);
    expect(bobs.spaces.map((space) => space.id)).not.toContain('secret');
    const mine = SpacesResponse.parse((await api(server, 'GET', '/spaces?scope=public&q=sec', { key: bob.key })).body);
    expect(mine.spaces).toEqual([]);
    const found = SearchResponse.parse((await api(server, 'GET', '/search?q=quokkas', { key: bob.key })).body);
    expect(found.results).toEqual([]);
  });

  it('cannot subscribe, declare abilities, open a stream or stop one there over the WebSocket', async () => {
    const socket = await connect(bob);
    for (const frame of [
      { type: 'abilities_declare', spaceId: 'secret', abilities: [] },
      { type: 'subscribe', spaceId: 'secret' },
      { type: 'stream_open', spaceId: 'secret', clientMsgId: 'stream-1' },
      { type: 'stream_stop', spaceId: 'secret', streamId: 'stream-0001' },
    ]) {
      socket.send(frame);
      expect(await nextFrame(socket, { type: 'error', spaceId: 'secret' })).toMatchObject({
        code: 'not_found',
        message: 'There is no space "secret".',
      });
    }
  });

  it('gets no activity of it on the unread feed, while a member does', async () => {
    const [bobs, carols] = await Promise.all([connect(bob), connect(carol)]);
    for (const socket of [bobs, carols]) {
      socket.send({ type: 'unread_subscribe' });
      await nextFrame(socket, { type: 'unread_subscribed' });
    }
    await send(server, ada, 'secret news', { spaceId: 'secret' });
    await send(server, ada, 'public news');
    expect(await nextFrame(carols, { type: 'space_activity', spaceId: 'secret' })).toMatchObject({ spaceId: 'secret' });
    // The public message comes after the private one: bob would have had it by then.
    await nextFrame(bobs, { type: 'space_activity', spaceId: 'main' });
    await expect(bobs.take({ type: 'space_activity', spaceId: 'secret' }, 300)).rejects.toThrow(/Timed out/);
  });
});

describe('a private space for its members', () => {
  it('reads, posts, lists, searches and subscribes as anywhere', async () => {
    expect((await api(server, 'GET', '/spaces/secret/updates', { key: carol.key })).status).toBe(200);
    expect((await api(server, 'GET', '/spaces/secret/presence', { key: carol.key })).status).toBe(200);
    expect((await api(server, 'GET', `/spaces/secret/messages/${messageId}`, { key: carol.key })).status).toBe(200);
    expect((await api(server, 'PUT', '/spaces/secret/read', { key: carol.key, body: { updateId: 1 } })).status).toBe(
      200,
    );
    const found = SearchResponse.parse((await api(server, 'GET', '/search?q=quokkas', { key: carol.key })).body);
    expect(found.results.map((result) => result.message.id)).toEqual([messageId]);
    const listed = SpacesResponse.parse((await api(server, 'GET', '/spaces', { key: carol.key })).body);
    expect(listed.spaces.find((space) => space.id === 'secret')).toMatchObject({
      visibility: 'private',
      role: 'member',
    });
    const members = await api(server, 'GET', '/spaces/secret/members', { key: carol.key });
    expect(members.status).toBe(200);
    const socket = await connect(carol);
    expect(await socket.subscribe('secret')).toBeGreaterThan(0);
  });
});

describe('a private space for its members, on the paths that change things', () => {
  it('edits, reacts, opens streams, declares and lists abilities', async () => {
    const edited = await api(server, 'PATCH', `/spaces/secret/messages/${messageId}`, {
      key: carol.key,
      body: { content: 'plans for quokkas, edited' },
    });
    expect(edited.status).toBe(200);
    const reacted = await api(server, 'PUT', `/spaces/secret/messages/${messageId}/reactions/%F0%9F%91%8D`, {
      key: carol.key,
    });
    expect(reacted.status).toBe(200);
    const socket = await connect(carol);
    socket.send({ type: 'stream_open', spaceId: 'secret', clientMsgId: 'carol-stream-1' });
    const opened = await nextFrame(socket, { type: 'stream_opened' });
    socket.send({ type: 'stream_abort', streamId: (opened as { streamId: string }).streamId });
    socket.send({ type: 'abilities_declare', spaceId: 'secret', abilities: [] });
    await nextFrame(socket, { type: 'abilities_declared', spaceId: 'secret' });
    expect((await api(server, 'GET', '/spaces/secret/abilities', { key: carol.key })).status).toBe(200);
  });
});

describe('roles', () => {
  it('owners and admins invite, members do not; only owners make owners; the last owner stays', async () => {
    const dave = await register(server, 'dave');
    expect(
      (await api(server, 'POST', '/spaces/secret/members', { key: carol.key, body: { nick: 'dave' } })).status,
    ).toBe(403);
    const made = await api(server, 'PATCH', `/spaces/secret/members/${carol.timite.id}`, {
      key: ada.key,
      body: { role: 'admin' },
    });
    expect(made.status).toBe(200);
    expect(
      (await api(server, 'POST', '/spaces/secret/members', { key: carol.key, body: { nick: 'dave' } })).status,
    ).toBe(201);
    expect(
      (await api(server, 'POST', '/spaces/secret/members', { key: carol.key, body: { nick: 'dave' } })).status,
    ).toBe(409);
    expect(
      (await api(server, 'POST', '/spaces/secret/members', { key: carol.key, body: { nick: 'nobody' } })).status,
    ).toBe(404);
    const ownerByAdmin = await api(server, 'PATCH', `/spaces/secret/members/${dave.timite.id}`, {
      key: carol.key,
      body: { role: 'owner' },
    });
    expect(ownerByAdmin.status).toBe(403);
    expect((await api(server, 'DELETE', `/spaces/secret/members/${ada.timite.id}`, { key: carol.key })).status).toBe(
      403,
    );
    expect((await api(server, 'DELETE', '/spaces/secret/members/me', { key: ada.key })).status).toBe(409);
    expect((await api(server, 'DELETE', '/spaces/secret/members/me', { key: dave.key })).status).toBe(204);
    expectNoSuchSpace(await api(server, 'GET', '/spaces/secret/updates', { key: dave.key }));
  });

  it('owners and admins delete anyone’s message; members only their own', async () => {
    const posted = SendMessageResponse.parse((await send(server, ada, 'delete me', { spaceId: 'secret' })).body);
    await api(server, 'POST', '/spaces/secret/members', { key: ada.key, body: { nick: 'bob' } });
    const byMember = await api(server, 'DELETE', `/spaces/secret/messages/${posted.message.id}`, { key: bob.key });
    expect(byMember.status).toBe(403);
    const mine = SendMessageResponse.parse((await send(server, bob, 'bob says', { spaceId: 'secret' })).body);
    const moderated = await api(server, 'DELETE', `/spaces/secret/messages/${mine.message.id}`, { key: carol.key });
    expect(moderated.status).toBe(200);
    expect((await api(server, 'DELETE', `/spaces/secret/members/${bob.timite.id}`, { key: ada.key })).status).toBe(204);
  });

  it('archiving stops posting and changes (403) until unarchived; members cannot archive', async () => {
    expect((await api(server, 'PATCH', '/spaces/secret', { key: bob.key, body: { archived: true } })).status).toBe(404);
    const archived = await api(server, 'PATCH', '/spaces/secret', { key: ada.key, body: { archived: true } });
    expect(archived.status).toBe(200);
    expect(SpaceResponse.parse(archived.body).space.archivedAt).toBeDefined();
    const refused = await send(server, carol, 'too late', { spaceId: 'secret' });
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(refused.body).error.code).toBe('forbidden');
    expect((await api(server, 'GET', '/spaces/secret/updates', { key: carol.key })).status).toBe(200);
    expect((await api(server, 'PATCH', '/spaces/secret', { key: ada.key, body: { archived: false } })).status).toBe(
      200,
    );
    expect((await send(server, carol, 'back again', { spaceId: 'secret' })).status).toBe(201);
  });
});

describe('listing and joining', () => {
  it('scope=mine lists only the caller’s spaces with roles; scope=public&q browses; join makes a member', async () => {
    expect(
      (await api(server, 'POST', '/spaces', { key: bob.key, body: { id: 'garden-club', name: 'Garden Club' } })).status,
    ).toBe(201);
    const browsed = SpacesResponse.parse(
      (await api(server, 'GET', '/spaces?scope=public&q=GARDEN', { key: ada.key })).body,
    );
    expect(browsed.spaces.map((space) => space.id)).toEqual(['garden-club']);
    const joined = await api(server, 'POST', '/spaces/garden-club/join', { key: ada.key });
    expect(joined.status).toBe(201);
    expect((await api(server, 'POST', '/spaces/garden-club/join', { key: ada.key })).status).toBe(200);
    const mine = SpacesResponse.parse((await api(server, 'GET', '/spaces?scope=mine', { key: ada.key })).body);
    expect(mine.spaces.map((space) => [space.id, space.role])).toEqual([
      ['main', 'member'],
      ['secret', 'owner'],
      ['garden-club', 'member'],
    ]);
    const dmShaped = { id: `dm-${'a'.repeat(26)}`, name: 'x' };
    expect((await api(server, 'POST', '/spaces', { key: bob.key, body: dmShaped })).status).toBe(400);
    expect((await api(server, 'POST', '/spaces', { key: bob.key, body: { id: 'dm-notes', name: 'x' } })).status).toBe(
      201,
    );
  });
});

describe('direct messages', () => {
  it('open idempotently (order and case ignored), private to their participants, listed as dm', async () => {
    const first = await api(server, 'POST', '/dms', { key: ada.key, body: { nicks: ['bob'] } });
    expect(first.status).toBe(201);
    const dm = SpaceResponse.parse(first.body).space;
    expect(dm).toMatchObject({ kind: 'dm', visibility: 'private' });
    const again = await api(server, 'POST', '/dms', { key: bob.key, body: { nicks: ['ADA'] } });
    expect(again.status).toBe(200);
    expect(SpaceResponse.parse(again.body).space.id).toBe(dm.id);
    expect((await send(server, bob, 'hi ada', { spaceId: dm.id })).status).toBe(201);
    expectNoSuchSpace(await api(server, 'GET', `/spaces/${dm.id}/updates`, { key: carol.key }), dm.id);
    const mine = SpacesResponse.parse((await api(server, 'GET', '/spaces?scope=mine', { key: bob.key })).body);
    expect(mine.spaces.find((space) => space.id === dm.id)).toMatchObject({ kind: 'dm' });
    expect(
      (await api(server, 'POST', `/spaces/${dm.id}/members`, { key: ada.key, body: { nick: 'carol' } })).status,
    ).toBe(403);
    expect(
      (await api(server, 'PATCH', `/spaces/${dm.id}`, { key: ada.key, body: { visibility: 'public' } })).status,
    ).toBe(403);
    expect((await api(server, 'POST', '/dms', { key: ada.key, body: { nicks: ['ada'] } })).status).toBe(400);
    expect((await api(server, 'POST', '/dms', { key: ada.key, body: { nicks: ['ghost'] } })).status).toBe(404);
  });
});

describe('losing access ends live subscriptions at once', () => {
  it('a removed member gets unsubscribed with reason removed, and nothing more of the space', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'crew', name: 'Crew', visibility: 'private' } });
    await api(server, 'POST', '/spaces/crew/members', { key: ada.key, body: { nick: 'bob' } });
    const socket = await connect(bob);
    await socket.subscribe('crew');
    const removed = await api(server, 'DELETE', `/spaces/crew/members/${bob.timite.id}`, { key: ada.key });
    expect(removed.status).toBe(204);
    expect(await nextFrame(socket, { type: 'unsubscribed', spaceId: 'crew' })).toEqual({
      type: 'unsubscribed',
      spaceId: 'crew',
      reason: 'removed',
    });
    await send(server, ada, 'after bob left', { spaceId: 'crew' });
    await expect(socket.take({ type: 'update' }, 300)).rejects.toThrow(/Timed out/);
  });

  it('a removed member’s open stream cannot be stored in the space', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'vault', name: 'Vault', visibility: 'private' } });
    await api(server, 'POST', '/spaces/vault/members', { key: ada.key, body: { nick: 'bob' } });
    const socket = await connect(bob);
    socket.send({ type: 'stream_open', spaceId: 'vault', clientMsgId: 'bob-vault-1', text: 'written before removal' });
    const { streamId } = (await nextFrame(socket, { type: 'stream_opened' })) as { streamId: string };
    expect((await api(server, 'DELETE', `/spaces/vault/members/${bob.timite.id}`, { key: ada.key })).status).toBe(204);
    socket.send({ type: 'stream_finish', streamId });
    expect(await nextFrame(socket, { type: 'error', streamId })).toMatchObject({ code: 'not_found' });
    const timeline = await api(server, 'GET', '/spaces/vault/updates', { key: ada.key });
    expect(timeline.body).toMatchObject({ updates: [], headId: 0 });
  });

  it('a public space turned private ends every non-member’s subscription, and keeps the members’', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'lobby', name: 'Lobby' } });
    const [adas, bobs] = await Promise.all([connect(ada), connect(bob)]);
    await Promise.all([adas.subscribe('lobby'), bobs.subscribe('lobby')]);
    expect(
      (await api(server, 'PATCH', '/spaces/lobby', { key: ada.key, body: { visibility: 'private' } })).status,
    ).toBe(200);
    expect(await nextFrame(bobs, { type: 'unsubscribed', spaceId: 'lobby' })).toMatchObject({ reason: 'removed' });
    await send(server, ada, 'members only now', { spaceId: 'lobby' });
    expect(await nextFrame(adas, { type: 'update' })).toMatchObject({ update: { spaceId: 'lobby' } });
    await expect(bobs.take({ type: 'update' }, 300)).rejects.toThrow(/Timed out/);
    expectNoSuchSpace(await send(server, bob, 'hello?', { spaceId: 'lobby' }), 'lobby');
  });

  it('a removed member’s abilities in the space are withdrawn with its subscription', async () => {
    await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'guild', name: 'Guild', visibility: 'private' } });
    await api(server, 'POST', '/spaces/guild/members', { key: ada.key, body: { nick: 'bob' } });
    const socket = await connect(bob);
    await socket.subscribe('guild');
    socket.send({
      type: 'abilities_declare',
      spaceId: 'guild',
      abilities: [{ name: 'wave', description: 'Waves.', parameters: { type: 'object' } }],
    });
    await nextFrame(socket, { type: 'abilities_declared', spaceId: 'guild' });
    const declared = async () =>
      AbilitiesResponse.parse((await api(server, 'GET', '/spaces/guild/abilities', { key: ada.key })).body).timites;
    expect((await declared()).map((entry) => entry.timite.nick)).toEqual(['bob']);
    await api(server, 'DELETE', `/spaces/guild/members/${bob.timite.id}`, { key: ada.key });
    await nextFrame(socket, { type: 'unsubscribed', spaceId: 'guild' });
    const deadline = Date.now() + 5000;
    while ((await declared()).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await declared()).toEqual([]);
  });
});
