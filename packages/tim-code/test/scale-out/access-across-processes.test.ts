import { SpaceResponse } from '@tim/protocol';
import { withProcessPair } from '../support/process-pair';
import { callServer, useServerProcesses } from '../support/server-process';
import { nextFrame } from '../support/ws';

/*
 * Issue 19 across two tim-code processes on one PostgreSQL database with Redis between them:
 * a removal, or a public space turned private, made through one process ends the live
 * subscriptions of those who lost the space on the other, at once, with a clear frame; an
 * invitation or a new direct message reaches the unread feed of the new member on the other.
 */

const processes = useServerProcesses();

describe('two tim-code processes on PostgreSQL with Redis between them, issue 19', () => {
  it('end the subscriptions of a removed member, and of non-members when a space turns private, on the other process', async () => {
    await withProcessPair(processes, async ({ first, second, ada, bob, connect }) => {
      const [adaKey, bobKey] = [ada.session.key, bob.session.key];

      // Bob, a member of a private space, subscribed through the second process.
      expect(
        (await callServer(first, 'POST', '/spaces', adaKey, { id: 'crew', name: 'Crew', visibility: 'private' }))
          .status,
      ).toBe(201);
      expect((await callServer(first, 'POST', '/spaces/crew/members', adaKey, { nick: 'bob' })).status).toBe(201);
      expect((await callServer(first, 'POST', '/spaces', adaKey, { id: 'lobby', name: 'Lobby' })).status).toBe(201);
      const bobs = await connect(second, bobKey);
      await bobs.subscribe('crew');
      await bobs.subscribe('lobby');
      const adas = await connect(second, adaKey);
      await adas.subscribe('lobby');

      // Removed through the first process.
      expect((await callServer(first, 'DELETE', `/spaces/crew/members/${bob.timite.id}`, adaKey)).status).toBe(204);
      expect(await nextFrame(bobs, { type: 'unsubscribed', spaceId: 'crew' }, 10_000)).toEqual({
        type: 'unsubscribed',
        spaceId: 'crew',
        reason: 'removed',
      });
      expect((await callServer(second, 'GET', '/spaces/crew/updates', bobKey)).status).toBe(404);

      // A public space turned private through the first process: bob (no member) loses it, ada keeps it.
      expect((await callServer(first, 'PATCH', '/spaces/lobby', adaKey, { visibility: 'private' })).status).toBe(200);
      expect(await nextFrame(bobs, { type: 'unsubscribed', spaceId: 'lobby' }, 10_000)).toMatchObject({
        reason: 'removed',
      });
      expect(
        (await callServer(first, 'POST', '/spaces/lobby/messages', adaKey, { content: 'members only' })).status,
      ).toBe(201);
      expect(await nextFrame(adas, { type: 'update' }, 10_000)).toMatchObject({ update: { spaceId: 'lobby' } });
      await expect(bobs.take({ type: 'update' }, 500)).rejects.toThrow(/Timed out/);
    });
  }, 60_000);

  it('tell the unread feed on the other process of a space its timite was invited to, and of a direct message opened with it', async () => {
    await withProcessPair(processes, async ({ first, second, ada, bob, connect }) => {
      const watcher = await connect(second, bob.session.key);
      watcher.send({ type: 'unread_subscribe' });
      await nextFrame(watcher, { type: 'unread_subscribed' });

      const adaKey = ada.session.key;
      expect(
        (await callServer(first, 'POST', '/spaces', adaKey, { id: 'crew', name: 'Crew', visibility: 'private' }))
          .status,
      ).toBe(201);
      expect((await callServer(first, 'POST', '/spaces/crew/members', adaKey, { nick: 'bob' })).status).toBe(201);
      expect(await nextFrame(watcher, { type: 'space_added' }, 10_000)).toEqual({
        type: 'space_added',
        spaceId: 'crew',
      });

      const opened = await callServer(first, 'POST', '/dms', adaKey, { nicks: ['bob'] });
      expect(opened.status).toBe(201);
      expect(await nextFrame(watcher, { type: 'space_added' }, 10_000)).toEqual({
        type: 'space_added',
        spaceId: SpaceResponse.parse(opened.body).space.id,
      });
    });
  }, 60_000);
});
