import type { ServerFrame, Update } from '@tim/protocol';
import type { Bus } from '../bus/bus';
import { createLocalBus } from '../bus/local-bus';
import type { OutboundFrame } from './outbound-frame';
import { createUnreadFeed, type UnreadWatcher } from './unread-feed';

const ada = { id: 1, nick: 'ada', kind: 'human' as const };
const at = new Date(0).toISOString();

function message(spaceId: string, id: number, mentions: number[] = []): Update {
  return {
    id,
    spaceId,
    at,
    event: { type: 'message', message: { id, spaceId, sender: ada, content: 'hi', mentions, createdAt: at } },
  };
}

function watcher(timiteId: number): UnreadWatcher & { frames: ServerFrame[] } {
  const frames: ServerFrame[] = [];
  return {
    timiteId,
    frames,
    deliver: (frame: OutboundFrame) => frames.push(JSON.parse(frame.data.toString('utf8')) as ServerFrame),
  };
}

/** A real LocalBus that counts the listeners to all spaces it holds. */
function countingBus(): { bus: Bus; listening: () => number } {
  const local = createLocalBus();
  let listening = 0;
  const bus: Bus = {
    ...local,
    async subscribeAll(listener) {
      const unsubscribe = await local.subscribeAll(listener);
      listening += 1;
      return async () => {
        listening -= 1;
        await unsubscribe();
      };
    },
  };
  return { bus, listening: () => listening };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

let errors: unknown[] = [];
beforeEach(() => {
  errors = [];
});
afterEach(() => {
  expect(errors).toEqual([]);
});

describe('the unread feed', () => {
  it('sends space_activity for new messages of every space, and read_marker to the watchers of that timite only', async () => {
    const { bus } = countingBus();
    const feed = createUnreadFeed({ bus, onError: (err) => errors.push(err) });
    const [adaHere, adaThere, bob] = [watcher(1), watcher(1), watcher(2)];
    for (const one of [adaHere, adaThere, bob]) await feed.watch(one);

    await bus.publish('main', { kind: 'update', update: message('main', 4, [2]) });
    await bus.publish('side', {
      kind: 'update',
      update: {
        id: 5,
        spaceId: 'side',
        at,
        event: { type: 'message_edited', messageId: 1, content: 'x', mentions: [], editedAt: at, editedBy: 1 },
      },
    });
    await bus.publish('side', { kind: 'read-marker', timiteId: 1, readUpTo: 5 });
    await bus.publish('side', {
      kind: 'ephemeral',
      event: { type: 'activity', spaceId: 'side', timite: ada, activity: 'typing' },
    });
    await settle();

    const activity = {
      type: 'space_activity',
      spaceId: 'main',
      updateId: 4,
      messageId: 4,
      senderId: 1,
      mentions: [2],
    };
    const marker = { type: 'read_marker', spaceId: 'side', readUpTo: 5 };
    expect(adaHere.frames).toEqual([activity, marker]);
    expect(adaThere.frames).toEqual([activity, marker]);
    expect(bob.frames).toEqual([activity]);
    feed.close();
  });

  it('sends space_added to every watcher of the timites an access change grants the space, and to nobody else', async () => {
    const { bus } = countingBus();
    const feed = createUnreadFeed({ bus, onError: (err) => errors.push(err) });
    const [adaHere, adaThere, bob, cy] = [watcher(1), watcher(1), watcher(2), watcher(3)];
    for (const one of [adaHere, adaThere, bob, cy]) await feed.watch(one);

    await bus.publish('crew', { kind: 'access', grant: { timiteIds: [1, 3] } });
    await bus.publish('crew', { kind: 'access' });
    await bus.publish('crew', { kind: 'access', revoke: { timiteId: 2 } });
    await settle();
    for (const one of [adaHere, adaThere, cy]) expect(one.frames).toEqual([{ type: 'space_added', spaceId: 'crew' }]);
    expect(bob.frames).toEqual([]);
    feed.close();
  });

  it('listens to the bus only while someone watches, and a watcher that leaves gets nothing more', async () => {
    const { bus, listening } = countingBus();
    const feed = createUnreadFeed({ bus, onError: (err) => errors.push(err) });
    const first = watcher(1);
    const second = watcher(2);
    const stopFirst = await feed.watch(first);
    const stopSecond = await feed.watch(second);
    expect(listening()).toBe(1);
    stopFirst();
    await bus.publish('main', { kind: 'update', update: message('main', 1) });
    await settle();
    expect(first.frames).toEqual([]);
    expect(second.frames).toHaveLength(1);

    stopSecond();
    stopSecond();
    await settle();
    expect(listening()).toBe(0);
    expect(feed.watcherCount()).toBe(0);

    // Watching again listens again.
    const third = watcher(3);
    await feed.watch(third);
    expect(listening()).toBe(1);
    await bus.publish('main', { kind: 'update', update: message('main', 2) });
    await settle();
    expect(third.frames).toHaveLength(1);
    feed.close();
    await settle();
    expect(listening()).toBe(0);
  });

  it('sends the activity of a private space to its members only, and looks them up again after an access event', async () => {
    const { bus } = countingBus();
    let members = new Set([1]);
    let lookUps = 0;
    const feed = createUnreadFeed({
      bus,
      onError: (err) => errors.push(err),
      readersOf: (spaceId) => {
        lookUps += 1;
        return Promise.resolve(spaceId === 'secret' ? members : 'everyone');
      },
    });
    const [ada, bob] = [watcher(1), watcher(2)];
    for (const one of [ada, bob]) await feed.watch(one);

    await bus.publish('secret', { kind: 'update', update: message('secret', 1) });
    await bus.publish('secret', { kind: 'read-marker', timiteId: 1, readUpTo: 1 });
    await bus.publish('secret', { kind: 'update', update: message('secret', 2) });
    await settle();
    expect(ada.frames.map((frame) => [frame.type, 'updateId' in frame ? frame.updateId : undefined])).toEqual([
      ['space_activity', 1],
      ['read_marker', undefined],
      ['space_activity', 2],
    ]);
    expect(bob.frames).toEqual([]);
    expect(lookUps).toBe(1);

    members = new Set([2]);
    await bus.publish('secret', { kind: 'access', revoke: { timiteId: 1 } });
    await bus.publish('secret', { kind: 'update', update: message('secret', 3) });
    await settle();
    expect(lookUps).toBe(2);
    expect(ada.frames).toHaveLength(3);
    expect(bob.frames).toMatchObject([{ type: 'space_activity', updateId: 3 }]);
    feed.close();
  });
});
