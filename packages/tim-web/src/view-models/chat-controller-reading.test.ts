import type { SpaceListing, Timite, Update } from '@tim/protocol';
import { ChatController } from './chat-controller';
import type { ChatView } from './chat-view';
import { createFakeClient, me, memoryStore, settle } from './test-chat-client';
import { makeUpdate, makeUpdates } from './test-updates';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };

/** A controller on a server that lists unread counts: `main` read up to `readUpTo.main`, `side` never read. */
async function startController(updates: Update[], readUpTo: Record<string, number> = {}) {
  const fake = createFakeClient(updates);
  const markers = new Map(Object.entries(readUpTo));
  fake.client.listSpaces = async () => ({
    spaces: ['main', 'side'].map((id): SpaceListing => ({
      id,
      name: id,
      createdAt: '2026-01-01T00:00:00.000Z',
      unread: {
        readUpTo: markers.get(id) ?? 0,
        messages: updates.filter((update) => update.spaceId === id && update.id > (markers.get(id) ?? 0)).length,
        mentions: 0,
      },
    })),
  });
  const controller = new ChatController({ client: fake.client, me, store: memoryStore(), pageSize: 50 });
  let view: ChatView = controller.view();
  controller.onChange((next) => (view = next));
  await controller.start();
  return { fake, controller, markers, current: () => view };
}

const sideUpdates = (from: number, to: number) =>
  makeUpdates(from, to).map((update) => makeUpdate(update.id, { spaceId: 'side' }));

describe('ChatController: unread, read markers, messages in context', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('watches the unread feed, shows the badges of other spaces and the title, and keeps them live', async () => {
    const { fake, current } = await startController([...makeUpdates(1, 3), ...sideUpdates(1, 2)], { main: 3 });
    expect(fake.watching.unread).toBe(true);
    expect(Object.fromEntries(current().unread)).toEqual({ side: { messages: 2, mentions: 0 } });
    expect(current().title).toBe('(2) Tim');
    fake.events.emit('space_activity', {
      type: 'space_activity',
      spaceId: 'side',
      updateId: 3,
      messageId: 3,
      senderId: alice.id,
      mentions: [me.id],
    });
    expect(Object.fromEntries(current().unread)).toEqual({ side: { messages: 3, mentions: 1 } });
    expect(current().title).toBe('(@1 · 3) Tim');
  });

  it('marks the open space read up to its newest message while the reader looks at it', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 5), { main: 2 });
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.marked).toEqual([{ spaceId: 'main', updateId: 5 }]);
    expect(current().title).toBe('Tim');

    controller.setAttention(false);
    fake.events.emit('update', makeUpdate(6));
    fake.events.emit('space_activity', {
      type: 'space_activity',
      spaceId: 'main',
      updateId: 6,
      messageId: 6,
      senderId: alice.id,
      mentions: [],
    });
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.marked).toHaveLength(1);
    expect(current().title).toBe('(1) Tim');
    expect(current().unread.size).toBe(0);

    controller.setAttention(true);
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.marked).toEqual([
      { spaceId: 'main', updateId: 5 },
      { spaceId: 'main', updateId: 6 },
    ]);
    expect(current().title).toBe('Tim');
  });

  it('marks nothing while the reader is scrolled back', async () => {
    const { fake, controller } = await startController(makeUpdates(1, 5), { main: 5 });
    controller.setFollowingBottom(false);
    fake.events.emit('update', makeUpdate(6));
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.marked).toEqual([]);
    controller.setFollowingBottom(true);
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.marked).toEqual([{ spaceId: 'main', updateId: 6 }]);
  });

  it('draws the "new since your last visit" line where the reader had read to', async () => {
    const { current } = await startController(makeUpdates(1, 8), { main: 5 });
    expect(current().newSinceKey).toBe('u6');
    await jest.advanceTimersByTimeAsync(500);
    expect(current().newSinceKey).toBe('u6');
  });

  it('opens a message in context: the window around it, it in focus, newer pages after', async () => {
    const { fake, controller, current } = await startController([...makeUpdates(1, 3), ...sideUpdates(1, 200)]);
    fake.subscribed.length = 0;
    const opening = controller.openMessage('side', 60, 60);
    // Not before the window around it is read.
    expect(current().focusKey).toBeUndefined();
    await settle();
    await opening;
    expect(current().spaceId).toBe('side');
    expect(current().focusKey).toBe('u60');
    expect(current().focusSeq).toBe(1);
    expect(current().hasNewer).toBe(true);
    expect(current().items[0]?.key).toBe('u36');
    expect(fake.subscribed).toEqual([{ spaceId: 'side', after: 200 }]);
    await controller.loadNewer();
    expect(current().items[current().items.length - 1]?.key).toBe('u135');

    await controller.openMessage('side', 10);
    expect(current()).toMatchObject({ focusKey: 'u10', focusSeq: 2 });
    await controller.openSpace('main');
    expect(current().focusKey).toBeUndefined();
  });
});
