import type { MessageResponse, ReadMarkerResponse, SpaceActivityFrame, SpaceListing } from '@tim/protocol';
import type { DesktopNotice } from './mention-alerts';
import { Reading, type OpenSpaceState } from './reading';
import { makeUpdate } from './test-updates';
import type { TimelineEntry } from './timeline';

const ME = 7;

function listing(id: string, readUpTo: number, messages: number, mentions = 0): SpaceListing {
  return { id, name: id, createdAt: '2026-01-01T00:00:00.000Z', unread: { readUpTo, messages, mentions } };
}

function activity(spaceId: string, updateId: number, mentions: number[] = []): SpaceActivityFrame {
  return { type: 'space_activity', spaceId, updateId, messageId: updateId, senderId: 1, mentions };
}

function openSpace(spaceId: string, lastId: number, overrides: Partial<OpenSpaceState['history']> = {}) {
  return { spaceId, isLoaded: true, history: { lastId, hasNewer: false, followingBottom: true, ...overrides } };
}

function setup(options: { hidden?: boolean } = {}) {
  const marked: Array<{ spaceId: string; updateId: number }> = [];
  const shown: DesktopNotice[] = [];
  const opened: string[] = [];
  let recounts = 0;
  let changes = 0;
  const reading = new Reading({
    client: {
      markRead: async (spaceId: string, updateId: number): Promise<ReadMarkerResponse> => {
        marked.push({ spaceId, updateId });
        return { spaceId, readUpTo: updateId };
      },
      getMessage: async (spaceId: string, messageId: number): Promise<MessageResponse> => {
        const { event } = makeUpdate(messageId, { spaceId, content: 'hi @bo' });
        return { message: event.message, updateId: messageId };
      },
    },
    myId: ME,
    signals: { changed: () => (changes += 1), notice: () => undefined },
    recount: async () => {
      recounts += 1;
    },
    notifications: {
      permission: () => 'granted',
      requestPermission: async () => 'granted',
      pageHidden: () => options.hidden ?? true,
      show: (notice) => void shown.push(notice),
    },
    spaceName: (spaceId) => spaceId,
    openSpace: (spaceId) => void opened.push(spaceId),
    markDelayMs: 100,
    recountDelayMs: 100,
  });
  return { reading, marked, shown, opened, recounts: () => recounts, changes: () => changes };
}

function entries(ids: number[]): TimelineEntry[] {
  return ids.map((id) => ({ updateId: id, message: makeUpdate(id).event.message }));
}

describe('Reading', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps the badges and the title live from the unread feed, without a badge for the open space', () => {
    const { reading, changes } = setup();
    reading.unread.setListed([listing('main', 5, 0), listing('side', 2, 3)]);
    const handlers = reading.handlers();
    handlers.space_activity(activity('side', 9, [ME]));
    handlers.space_activity(activity('main', 6));
    expect(changes()).toBe(2);
    expect(Object.fromEntries(reading.badges('main'))).toEqual({ side: { messages: 4, mentions: 1 } });
    expect(reading.title()).toBe('(@1 · 5) Tim');
    // The same counts: the same map, so the sidebar renders nothing new.
    expect(reading.badges('main')).toBe(reading.badges('main'));
    const before = reading.badges('main');
    handlers.space_activity(activity('side', 10));
    expect(reading.badges('main')).not.toBe(before);
    expect(reading.badges('main').get('side')).toEqual({ messages: 5, mentions: 1 });
    // A message in the open space, read at once: the badges stay the same map.
    const shown = reading.badges('main');
    handlers.space_activity(activity('main', 7));
    reading.update(openSpace('main', 7));
    expect(reading.badges('main')).toBe(shown);
  });

  it('marks the open space read, gathered, when its newest message is on screen and the reader looks', async () => {
    const { reading, marked } = setup();
    reading.unread.setListed([listing('main', 5, 4)]);
    reading.setAttentive(false);
    reading.update(openSpace('main', 9));
    reading.setAttentive(true);
    reading.update(openSpace('main', 9, { followingBottom: false }));
    reading.update(openSpace('main', 9, { hasNewer: true }));
    reading.update({ ...openSpace('main', 9), isLoaded: false });
    expect(reading.unread.badge('main').messages).toBe(4);
    reading.update(openSpace('main', 9));
    expect(reading.unread.badge('main').messages).toBe(0);
    reading.update(openSpace('main', 10));
    reading.update(openSpace('main', 8));
    await jest.advanceTimersByTimeAsync(100);
    expect(marked).toEqual([{ spaceId: 'main', updateId: 10 }]);
  });

  it('sends what was read at once when the reader looks away', async () => {
    const { reading, marked } = setup();
    reading.unread.setListed([listing('main', 5, 4)]);
    reading.update(openSpace('main', 9));
    reading.setAttentive(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(marked).toEqual([{ spaceId: 'main', updateId: 9 }]);
  });

  it('marks nothing on a server without read markers', async () => {
    const { reading, marked } = setup();
    reading.unread.setListed([{ id: 'main', name: 'main', createdAt: '2026-01-01T00:00:00.000Z' }]);
    reading.update(openSpace('main', 9));
    await jest.advanceTimersByTimeAsync(100);
    expect(marked).toEqual([]);
  });

  it('counts again after the feed is subscribed again, and when a marker from elsewhere leaves doubt', async () => {
    const { reading, recounts } = setup();
    reading.unread.setListed([listing('main', 5, 4)]);
    const handlers = reading.handlers();
    handlers.unread_subscribed({ type: 'unread_subscribed' });
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(0);
    handlers.unread_subscribed({ type: 'unread_subscribed' });
    handlers.read_marker({ type: 'read_marker', spaceId: 'main', readUpTo: 7 });
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(1);
    handlers.space_activity(activity('main', 12));
    handlers.read_marker({ type: 'read_marker', spaceId: 'main', readUpTo: 12 });
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(1);
    expect(reading.unread.badge('main').messages).toBe(0);
  });

  it('reads the spaces once more when a message was counted while a listing ran, and only once', async () => {
    const { reading, recounts } = setup();
    const handlers = reading.handlers();
    let updateId = 0;
    const listingWithNews = async () => {
      handlers.space_activity(activity('main', ++updateId));
      reading.unread.setListed([listing('main', 0, 0)]);
    };
    await reading.listing(listingWithNews);
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(1);
    await reading.listing(async () => undefined);
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(1);
  });

  it('notifies of a mention while the page is hidden, and opens its space on a click', async () => {
    const { reading, shown, opened } = setup();
    reading.unread.setListed([listing('side', 0, 0)]);
    reading.handlers().space_activity(activity('side', 3, [ME]));
    reading.handlers().space_activity(activity('side', 4));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown.map((notice) => notice.title)).toEqual(['alice mentioned you in #side']);
    shown[0]?.onClick();
    expect(opened).toEqual(['side']);
  });

  it('notifies of a mention in a readable space outside the reader’s list, without a badge or a count in the title', async () => {
    const { reading, shown } = setup();
    reading.unread.setListed([listing('main', 0, 0)]);
    reading.noteOpening('main');
    reading.handlers().space_activity(activity('public-room', 3, [ME]));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown.map((notice) => notice.title)).toEqual(['alice mentioned you in #public-room']);
    expect(reading.badges('main').size).toBe(0);
    expect(reading.title()).toBe('Tim');
  });

  it('reads the list again, once for a burst, when the reader was added to spaces (an invitation, a direct message)', async () => {
    const { reading, recounts } = setup();
    reading.unread.setListed([listing('main', 0, 0)]);
    const handlers = reading.handlers();
    handlers.space_added({ type: 'space_added', spaceId: 'crew' });
    handlers.space_added({ type: 'space_added', spaceId: 'dm-new' });
    await jest.advanceTimersByTimeAsync(99);
    expect(recounts()).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(recounts()).toBe(1);
    handlers.space_added({ type: 'space_added', spaceId: 'deck' });
    await jest.advanceTimersByTimeAsync(100);
    expect(recounts()).toBe(2);
  });

  it('counts the open space outside the list while it is open', () => {
    const { reading } = setup();
    reading.unread.setListed([listing('main', 0, 0)]);
    reading.noteOpening('public-room');
    reading.handlers().space_activity(activity('public-room', 3));
    expect(reading.title()).toBe('(1) Tim');
    reading.noteOpening('main');
    expect(reading.title()).toBe('Tim');
  });

  it('does not notify while the page is on screen', async () => {
    const { reading, shown } = setup({ hidden: false });
    reading.handlers().space_activity(activity('side', 3, [ME]));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown).toEqual([]);
  });

  it('draws the "new since" line where the reader had read to when the space opened, and keeps it there', () => {
    const { reading } = setup();
    reading.unread.setListed([listing('main', 5, 3)]);
    reading.noteOpening('main');
    reading.noteOpened('main', 8);
    reading.update(openSpace('main', 8));
    const window = entries([4, 5, 6, 7, 8, 9]);
    expect(reading.newSinceKey('main', window)).toBe('u6');
    reading.noteOpening('main');
    reading.noteOpened('main', 9);
    expect(reading.newSinceKey('main', window)).toBe('u6');
    expect(reading.newSinceKey('side', window)).toBeUndefined();
    // Read to the end, away and back: nothing is new.
    reading.update(openSpace('main', 9));
    reading.noteOpening('side');
    reading.noteOpening('main');
    reading.noteOpened('main', 9);
    expect(reading.newSinceKey('main', window)).toBeUndefined();
  });
});
