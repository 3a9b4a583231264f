import type { Timite } from '@tim/protocol';
import { OpenSpace } from './open-space';
import { SpaceHistory } from './space-history';
import { createFakeClient, me, settle } from './test-chat-client';
import { makeUpdate, makeUpdates } from './test-updates';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };

function openMain() {
  const fake = createFakeClient(makeUpdates(1, 3));
  const connection = fake.client.connect();
  const notices: Array<string | undefined> = [];
  const signals = { changed: () => undefined, notice: (text: string | undefined) => void notices.push(text) };
  const history = new SpaceHistory({ client: fake.client, spaceId: 'main', signals });
  const space = new OpenSpace({ history, client: fake.client, frames: connection, signals });
  return { fake, space, notices };
}

describe('OpenSpace', () => {
  it('subscribes from the newest page once, for the newest of overlapping loads', async () => {
    const { fake, space, notices } = openMain();
    const first = space.load();
    const second = space.load();
    await Promise.all([first, second]);
    expect(fake.subscribed).toEqual([{ spaceId: 'main', after: 3 }]);
    expect(space.isLoaded).toBe(true);
    expect(space.presence.online()).toEqual([me]);
    expect(notices).toEqual([undefined]);
  });

  it('closing it unsubscribes, and a load on its way neither subscribes nor reports', async () => {
    const { fake, space, notices } = openMain();
    const loading = space.load();
    space.close();
    await loading;
    expect(fake.unsubscribed).toEqual(['main']);
    expect(fake.subscribed).toEqual([]);
    expect(space.isLoaded).toBe(false);
    expect(notices).toEqual([]);
  });

  it('says in words when the space cannot be read', async () => {
    const { fake, space, notices } = openMain();
    fake.client.readUpdates = () => Promise.reject(new Error('socket hang up'));
    await space.load();
    expect(notices).toEqual([expect.stringMatching(/^Could not load this space\./)]);
    expect(space.isLoaded).toBe(false);
  });

  it('ends a notice when its timite sends a message or leaves', async () => {
    const { space } = openMain();
    await space.load();
    await settle();
    space.applyActivity({ type: 'activity', spaceId: 'main', timite: alice, activity: 'typing' }, 0);
    space.applyActivity({ type: 'activity', spaceId: 'main', timite: me, activity: 'typing' }, 0);
    space.applyUpdate(makeUpdate(4, { sender: alice }));
    space.applyPresence({ type: 'presence', spaceId: 'main', timite: me, state: 'offline' });
    expect(space.activity.lines({ nowMs: 0 })).toEqual([]);
    expect(space.history.lastId).toBe(4);
    expect(space.presence.online()).toEqual([]);
  });
});
