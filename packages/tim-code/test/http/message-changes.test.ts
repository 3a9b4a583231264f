import {
  ErrorBody,
  MessageChangeResponse,
  MessageResponse,
  SendMessageResponse,
  UpdatesResponse,
  type Message,
} from '@tim/protocol';
import { api, register, send, type ApiAnswer, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * One message read, edited, deleted and reacted to over HTTP (extensions of v1): every answer
 * and every refusal, and what the timeline shows afterwards.
 */

let server: TestServer;
let ada: Member;
let bob: Member;
beforeAll(async () => {
  server = await startServer({ config: { maxReactionsPerMessage: 3, maxReactionsPerTimite: 2 } });
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
});
afterAll(async () => {
  await server.close();
});

const codeOf = (answer: ApiAnswer) => ErrorBody.parse(answer.body).error.code;
const messagePath = (id: number, spaceId = 'main') => `/spaces/${spaceId}/messages/${id}`;
const reactionPath = (id: number, emoji: string) => `${messagePath(id)}/reactions/${encodeURIComponent(emoji)}`;

async function post(member: Member, content: string, extra: Record<string, unknown> = {}) {
  const answer = await api(server, 'POST', '/spaces/main/messages', { key: member.key, body: { content, ...extra } });
  return {
    status: answer.status,
    answer,
    body: answer.status < 300 ? SendMessageResponse.parse(answer.body) : undefined,
  };
}

async function posted(member: Member, content: string): Promise<{ message: Message; updateId: number }> {
  const sent = await send(server, member, content);
  expect(sent.status).toBe(201);
  return SendMessageResponse.parse(sent.body);
}

function change(answer: ApiAnswer): MessageChangeResponse {
  expect(answer.status).toBe(200);
  return MessageChangeResponse.parse(answer.body);
}

async function headId(): Promise<number> {
  const answer = await api(server, 'GET', '/spaces/main/updates?after=0&limit=1', { key: ada.key });
  return UpdatesResponse.parse(answer.body).headId;
}

describe('replies (POST /spaces/:spaceId/messages with replyTo)', () => {
  it('stores replyTo and shows it on the reply', async () => {
    const original = await posted(ada, 'a question');
    const reply = await post(bob, 'an answer', { replyTo: original.message.id });
    expect(reply.status).toBe(201);
    expect(reply.body?.message).toMatchObject({ content: 'an answer', replyTo: original.message.id });
    const read = await api(server, 'GET', messagePath(reply.body?.message.id ?? 0), { key: ada.key });
    expect(MessageResponse.parse(read.body).message.replyTo).toBe(original.message.id);
  });

  it('answers 400 invalid_request when replyTo names no message of the space', async () => {
    const nowhere = await post(bob, 'to nothing', { replyTo: 999_999 });
    expect(nowhere.status).toBe(400);
    expect(codeOf(nowhere.answer)).toBe('invalid_request');
    expect(ErrorBody.parse(nowhere.answer.body).error.message).toContain('replyTo');

    expect((await api(server, 'POST', '/spaces', { key: ada.key, body: { id: 'elsewhere', name: 'E' } })).status).toBe(
      201,
    );
    const there = await api(server, 'POST', '/spaces/elsewhere/messages', {
      key: ada.key,
      body: { content: 'over there' },
    });
    const otherSpace = SendMessageResponse.parse(there.body).message.id;
    const across = await post(bob, 'across spaces', { replyTo: otherSpace });
    expect(across.status).toBe(400);
  });

  it('answers 400 for a replyTo that is not a message id', async () => {
    expect((await post(bob, 'bad', { replyTo: 'first' })).status).toBe(400);
    expect((await post(bob, 'bad', { replyTo: 0 })).status).toBe(400);
  });
});

describe('GET /spaces/:spaceId/messages/:messageId', () => {
  it('answers the message as it is now with the id of the update that added it', async () => {
    const sent = await posted(ada, 'read me');
    const answer = await api(server, 'GET', messagePath(sent.message.id), { key: bob.key });
    expect(answer.status).toBe(200);
    expect(MessageResponse.parse(answer.body)).toEqual({ message: sent.message, updateId: sent.updateId });
  });

  it('answers 404 for an unknown message, a message of another space, an unknown space; 400 for a bad id; 401 without a key', async () => {
    const sent = await posted(ada, 'only in main');
    for (const path of [messagePath(999_999), messagePath(sent.message.id, 'elsewhere'), messagePath(1, 'nowhere')]) {
      const answer = await api(server, 'GET', path, { key: bob.key });
      expect(answer.status).toBe(404);
      expect(codeOf(answer)).toBe('not_found');
    }
    expect((await api(server, 'GET', '/spaces/main/messages/abc', { key: bob.key })).status).toBe(400);
    expect((await api(server, 'GET', messagePath(sent.message.id))).status).toBe(401);
  });
});

describe('PATCH /spaces/:spaceId/messages/:messageId', () => {
  it('replaces content and mentions, marks it edited, and appends the edit as the next update', async () => {
    const sent = await posted(ada, 'helo wrold');
    const before = await headId();
    const edited = change(
      await api(server, 'PATCH', messagePath(sent.message.id), { key: ada.key, body: { content: '  hello @bob  ' } }),
    );
    expect(edited.updateId).toBe(before + 1);
    expect(edited.message).toMatchObject({ id: sent.message.id, content: 'hello @bob', mentions: [bob.timite.id] });
    expect(edited.message.editedAt).toEqual(expect.any(String));

    const timeline = UpdatesResponse.parse(
      (await api(server, 'GET', `/spaces/main/updates?after=${sent.updateId - 1}`, { key: bob.key })).body,
    );
    // The message shows as it is now; the edit keeps its own place in the sequence.
    expect(timeline.updates[0]?.event).toMatchObject({ type: 'message', message: { content: 'hello @bob' } });
    expect(timeline.updates.at(-1)).toMatchObject({
      id: edited.updateId,
      event: {
        type: 'message_edited',
        messageId: sent.message.id,
        content: 'hello @bob',
        mentions: [bob.timite.id],
        editedBy: ada.timite.id,
      },
    });
  });

  it('appends an update for every edit, also one that leaves the text as it was', async () => {
    const sent = await posted(ada, 'same');
    const first = change(
      await api(server, 'PATCH', messagePath(sent.message.id), { key: ada.key, body: { content: 'same' } }),
    );
    const second = change(
      await api(server, 'PATCH', messagePath(sent.message.id), { key: ada.key, body: { content: 'same' } }),
    );
    expect(second.updateId).toBe((first.updateId ?? 0) + 1);
  });

  it('answers 403 to anyone but the sender, 404 for an unknown message, 409 for a deleted one, 400 for empty content', async () => {
    const sent = await posted(ada, 'mine');
    const notMine = await api(server, 'PATCH', messagePath(sent.message.id), { key: bob.key, body: { content: 'x' } });
    expect([notMine.status, codeOf(notMine)]).toEqual([403, 'forbidden']);
    const unknown = await api(server, 'PATCH', messagePath(999_999), { key: ada.key, body: { content: 'x' } });
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'not_found']);
    const empty = await api(server, 'PATCH', messagePath(sent.message.id), { key: ada.key, body: { content: '  ' } });
    expect([empty.status, codeOf(empty)]).toEqual([400, 'invalid_request']);
    const extra = await api(server, 'PATCH', messagePath(sent.message.id), {
      key: ada.key,
      body: { content: 'x', replyTo: 1 },
    });
    expect(extra.status).toBe(400);
    change(await api(server, 'DELETE', messagePath(sent.message.id), { key: ada.key }));
    const deleted = await api(server, 'PATCH', messagePath(sent.message.id), { key: ada.key, body: { content: 'x' } });
    expect([deleted.status, codeOf(deleted)]).toEqual([409, 'conflict']);
    // Nothing refused changed the message.
    const read = MessageResponse.parse((await api(server, 'GET', messagePath(sent.message.id), { key: ada.key })).body);
    expect(read.message.editedAt).toBeUndefined();
  });
});

describe('DELETE /spaces/:spaceId/messages/:messageId', () => {
  it('leaves a tombstone for everyone and appends the delete; a second delete changes nothing', async () => {
    const sent = await posted(ada, 'regrettable @bob');
    change(await api(server, 'PUT', reactionPath(sent.message.id, '👍'), { key: bob.key }));
    const before = await headId();
    const deleted = change(await api(server, 'DELETE', messagePath(sent.message.id), { key: ada.key }));
    expect(deleted.updateId).toBe(before + 1);
    expect(deleted.message).toMatchObject({ id: sent.message.id, content: '', mentions: [], deletedBy: ada.timite.id });
    expect(deleted.message.deletedAt).toEqual(expect.any(String));
    expect(deleted.message.reactions).toBeUndefined();

    const read = MessageResponse.parse((await api(server, 'GET', messagePath(sent.message.id), { key: bob.key })).body);
    expect(read.message).toEqual(deleted.message);
    const timeline = UpdatesResponse.parse(
      (await api(server, 'GET', `/spaces/main/updates?after=${sent.updateId - 1}`, { key: bob.key })).body,
    );
    expect(JSON.stringify(timeline)).not.toContain('regrettable');
    expect(timeline.updates.at(-1)?.event).toMatchObject({
      type: 'message_deleted',
      messageId: sent.message.id,
      deletedBy: ada.timite.id,
    });

    const again = change(await api(server, 'DELETE', messagePath(sent.message.id), { key: ada.key }));
    expect(again.updateId).toBeUndefined();
    expect(again.message.deletedAt).toBe(deleted.message.deletedAt);
    expect(await headId()).toBe(deleted.updateId);
  });

  it('answers 403 to anyone but the sender and 404 for an unknown message', async () => {
    const sent = await posted(ada, 'keep');
    const notMine = await api(server, 'DELETE', messagePath(sent.message.id), { key: bob.key });
    expect([notMine.status, codeOf(notMine)]).toEqual([403, 'forbidden']);
    const unknown = await api(server, 'DELETE', messagePath(999_999), { key: ada.key });
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'not_found']);
    const read = MessageResponse.parse((await api(server, 'GET', messagePath(sent.message.id), { key: ada.key })).body);
    expect(read.message.content).toBe('keep');
  });
});

describe('PUT and DELETE /spaces/:spaceId/messages/:messageId/reactions/:emoji', () => {
  it('toggles a reaction: the whole set after each change, no update when nothing changed', async () => {
    const sent = await posted(ada, 'react to me');
    const added = change(await api(server, 'PUT', reactionPath(sent.message.id, '👍'), { key: bob.key }));
    expect(added.updateId).toEqual(expect.any(Number));
    expect(added.message.reactions).toEqual([{ emoji: '👍', timites: [bob.timite] }]);
    const both = change(await api(server, 'PUT', reactionPath(sent.message.id, '👍'), { key: ada.key }));
    expect(both.message.reactions).toEqual([{ emoji: '👍', timites: [bob.timite, ada.timite] }]);

    const repeated = change(await api(server, 'PUT', reactionPath(sent.message.id, '👍'), { key: bob.key }));
    expect(repeated.updateId).toBeUndefined();
    expect(repeated.message.reactions).toEqual(both.message.reactions);

    const removed = change(await api(server, 'DELETE', reactionPath(sent.message.id, '👍'), { key: bob.key }));
    expect(removed.updateId).toBe((both.updateId ?? 0) + 1);
    expect(removed.message.reactions).toEqual([{ emoji: '👍', timites: [ada.timite] }]);
    const missing = change(await api(server, 'DELETE', reactionPath(sent.message.id, '👍'), { key: bob.key }));
    expect(missing.updateId).toBeUndefined();

    const timeline = UpdatesResponse.parse(
      (await api(server, 'GET', `/spaces/main/updates?after=${removed.updateId ?? 0}&limit=1`, { key: bob.key })).body,
    );
    expect(timeline.updates).toEqual([]);
    const last = UpdatesResponse.parse(
      (await api(server, 'GET', `/spaces/main/updates?before=${(removed.updateId ?? 0) + 1}&limit=1`, { key: bob.key }))
        .body,
    );
    expect(last.updates[0]?.event).toEqual({
      type: 'reaction',
      messageId: sent.message.id,
      emoji: '👍',
      timite: bob.timite,
      added: false,
      reactions: [{ emoji: '👍', timites: [ada.timite] }],
    });
  });

  it('answers 409 past either limit, saying which, and for a deleted message', async () => {
    const sent = await posted(ada, 'popular');
    for (const emoji of ['a1', 'b2'])
      change(await api(server, 'PUT', reactionPath(sent.message.id, emoji), { key: bob.key }));
    const perTimite = await api(server, 'PUT', reactionPath(sent.message.id, 'c3'), { key: bob.key });
    expect([perTimite.status, codeOf(perTimite)]).toEqual([409, 'conflict']);
    expect(ErrorBody.parse(perTimite.body).error.message).toContain('TIM_MAX_REACTIONS_PER_TIMITE');

    change(await api(server, 'PUT', reactionPath(sent.message.id, 'c3'), { key: ada.key }));
    const perMessage = await api(server, 'PUT', reactionPath(sent.message.id, 'd4'), { key: ada.key });
    expect([perMessage.status, codeOf(perMessage)]).toEqual([409, 'conflict']);
    expect(ErrorBody.parse(perMessage.body).error.message).toContain('TIM_MAX_REACTIONS_PER_MESSAGE');
    // An emoji already there is still open to others.
    change(await api(server, 'PUT', reactionPath(sent.message.id, 'a1'), { key: ada.key }));

    change(await api(server, 'DELETE', messagePath(sent.message.id), { key: ada.key }));
    const onTombstone = await api(server, 'PUT', reactionPath(sent.message.id, 'a1'), { key: bob.key });
    expect([onTombstone.status, codeOf(onTombstone)]).toEqual([409, 'conflict']);
  });

  it('answers 404 for an unknown message and 400 for an emoji with spaces or too long', async () => {
    expect((await api(server, 'PUT', reactionPath(999_999, '👍'), { key: bob.key })).status).toBe(404);
    const sent = await posted(ada, 'x');
    expect((await api(server, 'PUT', reactionPath(sent.message.id, 'two words'), { key: bob.key })).status).toBe(400);
    expect((await api(server, 'PUT', reactionPath(sent.message.id, 'x'.repeat(33)), { key: bob.key })).status).toBe(
      400,
    );
  });
});
