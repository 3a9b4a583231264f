import { API_PREFIX, AuthResponse, SendMessageResponse, type UpdateFrame } from '@tim/protocol';
import { withFreshDatabase } from '../support/postgres';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { postToServer as post, useServerProcesses, type ServerProcess } from '../support/server-process';
import { nextFrame, TestSocket } from '../support/ws';

/*
 * Issue 17 across two tim-code processes on one PostgreSQL database with Redis between them:
 * an edit made through one process reaches a subscriber of the other, and the unread feed of
 * a connection on one process hears of messages sent and read markers moved through the other
 * (the feed listens to every space over Redis PSUBSCRIBE).
 */

const processes = useServerProcesses();

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function connect(server: ServerProcess, key: string): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, key);
  processes.closeAfter(socket);
  return socket;
}

describe('two tim-code processes on PostgreSQL with Redis between them, issue 17', () => {
  it('carry edits to the other process’s subscribers, and new messages and read markers to its unread feeds', async () => {
    await withFreshDatabase(async (url) => {
      const env = {
        TIM_DATA_DIR: '/nonexistent/tim',
        TIM_DATABASE_URL: url,
        TIM_REDIS_URL: TEST_REDIS_URL,
        TIM_REDIS_PREFIX: uniqueRedisPrefix(),
      };
      const first = await processes.spawn(env);
      const second = await processes.spawn(env);
      const ada = AuthResponse.parse((await post(first, '/register', { nick: 'ada', password: 'password-ada' })).body);
      const bob = AuthResponse.parse((await post(first, '/register', { nick: 'bob', password: 'password-bob' })).body);

      // Ada on the first process: subscribed to main, and watching every space.
      const subscriber = await connect(first, ada.session.key);
      const headId = await subscriber.subscribe('main');
      const watcher = await connect(first, ada.session.key);
      watcher.send({ type: 'unread_subscribe' });
      await nextFrame(watcher, { type: 'unread_subscribed' });

      // Bob, through the second process, in a space the first process has no subscriber for.
      expect((await call(second, 'POST', '/spaces', bob.session.key, { id: 'side', name: 'Side' })).status).toBe(201);
      const inSide = SendMessageResponse.parse(
        (await call(second, 'POST', '/spaces/side/messages', bob.session.key, { content: 'psst @ada' })).body,
      );
      expect(await nextFrame(watcher, { type: 'space_activity' }, 10_000)).toEqual({
        type: 'space_activity',
        spaceId: 'side',
        updateId: inSide.updateId,
        messageId: inSide.message.id,
        senderId: bob.timite.id,
        mentions: [ada.timite.id],
      });

      // An edit through the second process reaches the subscriber on the first, after its message.
      const sent = SendMessageResponse.parse(
        (await call(second, 'POST', '/spaces/main/messages', bob.session.key, { content: 'draft' })).body,
      );
      const edit = await call(second, 'PATCH', `/spaces/main/messages/${sent.message.id}`, bob.session.key, {
        content: 'final',
      });
      expect(edit.status).toBe(200);
      const first1 = (await nextFrame(subscriber, { type: 'update' }, 10_000)) as UpdateFrame;
      const first2 = (await nextFrame(subscriber, { type: 'update' }, 10_000)) as UpdateFrame;
      expect([first1.update.id, first2.update.id]).toEqual([headId + 1, headId + 2]);
      expect(first2.update.event).toMatchObject({
        type: 'message_edited',
        messageId: sent.message.id,
        content: 'final',
        editedBy: bob.timite.id,
      });

      // Ada reads side through the second process; her feed on the first hears of it.
      const read = await call(second, 'PUT', '/spaces/side/read', ada.session.key, { updateId: inSide.updateId });
      expect(read.status).toBe(200);
      expect(await nextFrame(watcher, { type: 'read_marker' }, 10_000)).toEqual({
        type: 'read_marker',
        spaceId: 'side',
        readUpTo: inSide.updateId,
      });
    }, processes.stopServers);
  }, 60_000);
});
