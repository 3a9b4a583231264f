import { SendMessageResponse, type UpdateFrame } from '@tim/protocol';
import { withProcessPair } from '../support/process-pair';
import { callServer, useServerProcesses } from '../support/server-process';
import { nextFrame } from '../support/ws';

/*
 * Issue 17 across two tim-code processes on one PostgreSQL database with Redis between them:
 * an edit made through one process reaches a subscriber of the other, and the unread feed of
 * a connection on one process hears of messages sent and read markers moved through the other
 * (the feed listens to every space over Redis PSUBSCRIBE).
 */

const processes = useServerProcesses();

describe('two tim-code processes on PostgreSQL with Redis between them, issue 17', () => {
  it('carry edits to the other process’s subscribers, and new messages and read markers to its unread feeds', async () => {
    await withProcessPair(processes, async ({ first, second, ada, bob, connect }) => {
      // Ada on the first process: subscribed to main, and watching every space.
      const subscriber = await connect(first, ada.session.key);
      const headId = await subscriber.subscribe('main');
      const watcher = await connect(first, ada.session.key);
      watcher.send({ type: 'unread_subscribe' });
      await nextFrame(watcher, { type: 'unread_subscribed' });

      // Bob, through the second process, in a space the first process has no subscriber for.
      expect((await callServer(second, 'POST', '/spaces', bob.session.key, { id: 'side', name: 'Side' })).status).toBe(
        201,
      );
      const inSide = SendMessageResponse.parse(
        (await callServer(second, 'POST', '/spaces/side/messages', bob.session.key, { content: 'psst @ada' })).body,
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
        (await callServer(second, 'POST', '/spaces/main/messages', bob.session.key, { content: 'draft' })).body,
      );
      const edit = await callServer(second, 'PATCH', `/spaces/main/messages/${sent.message.id}`, bob.session.key, {
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
      const read = await callServer(second, 'PUT', '/spaces/side/read', ada.session.key, { updateId: inSide.updateId });
      expect(read.status).toBe(200);
      expect(await nextFrame(watcher, { type: 'read_marker' }, 10_000)).toEqual({
        type: 'read_marker',
        spaceId: 'side',
        readUpTo: inSide.updateId,
      });
    });
  }, 60_000);
});
