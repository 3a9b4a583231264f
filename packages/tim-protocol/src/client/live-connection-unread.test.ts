import { WebSocket } from 'ws';
import type { SpaceActivityFrame } from '../schemas/frames';
import type { TimConnection } from './live-connection';
import { TimClient } from './tim-client';
import { nextEvent } from './test-support/client-events';
import { ADA, startFakePeer, type FakePeer } from './test-support/fake-peer';

let peer: FakePeer;
let sub: TimConnection | undefined;

beforeEach(async () => {
  peer = await startFakePeer();
});

afterEach(async () => {
  sub?.close();
  sub = undefined;
  await peer.close();
});

function connect(): TimConnection {
  sub = new TimClient({ baseUrl: peer.baseUrl, key: 'key-ada', WebSocket, backoff: { minMs: 1, maxMs: 20 } }).connect();
  return sub;
}

const ACTIVITY: SpaceActivityFrame = {
  type: 'space_activity',
  spaceId: 'garden',
  updateId: 7,
  messageId: 70,
  senderId: 2,
  mentions: [1],
};

describe('TimConnection unread feed', () => {
  it('asks for the feed at every ready and passes its frames on', async () => {
    const sub = connect();
    expect(sub.watchUnread()).toBe(true);
    const first = await peer.nextConnection();
    await first.authenticate(ADA, { heartbeatMs: 30_000, extensions: ['unread'] });
    expect(await first.nextFrame('unread_subscribe')).toEqual({ type: 'unread_subscribe' });

    const watching = nextEvent(sub, 'unread_subscribed');
    first.send({ type: 'unread_subscribed' });
    await watching;
    const activity = nextEvent(sub, 'space_activity');
    first.send(ACTIVITY);
    expect(await activity).toEqual(ACTIVITY);
    const marker = nextEvent(sub, 'read_marker');
    first.send({ type: 'read_marker', spaceId: 'garden', readUpTo: 7 });
    expect(await marker).toEqual({ type: 'read_marker', spaceId: 'garden', readUpTo: 7 });
    const added = nextEvent(sub, 'space_added');
    first.send({ type: 'space_added', spaceId: 'crew' });
    expect(await added).toEqual({ type: 'space_added', spaceId: 'crew' });

    first.drop();
    const second = await peer.nextConnection();
    await second.authenticate(ADA, { heartbeatMs: 30_000, extensions: ['unread'] });
    expect(await second.nextFrame('unread_subscribe')).toEqual({ type: 'unread_subscribe' });
  });

  it('does not ask a server that does not offer the feed', async () => {
    const sub = connect();
    const ready = nextEvent(sub, 'ready');
    const connection = await peer.nextConnection();
    await connection.authenticate(ADA, { heartbeatMs: 30_000, extensions: ['streams'] });
    await ready;
    expect(sub.watchUnread()).toBe(false);
    sub.sendActivity('main', 'typing');
    // The next frame the server sees is the activity: no unread_subscribe went before it.
    expect(await connection.nextFrame('activity')).toEqual({ type: 'activity', spaceId: 'main', activity: 'typing' });
  });
});
