import type { SpaceActivityFrame, SpaceListing } from '@tim/protocol';
import { UnreadCounts, formatCount, pageTitle, unreadLabel } from './unread';

const ME = 7;
const ALICE = 1;

function listing(id: string, readUpTo: number, messages: number, mentions = 0): SpaceListing {
  return { id, name: id, createdAt: '2026-01-01T00:00:00.000Z', unread: { readUpTo, messages, mentions } };
}

function activity(spaceId: string, updateId: number, options: { senderId?: number; mentions?: number[] } = {}) {
  const frame: SpaceActivityFrame = {
    type: 'space_activity',
    spaceId,
    updateId,
    messageId: updateId,
    senderId: options.senderId ?? ALICE,
    mentions: options.mentions ?? [],
  };
  return frame;
}

describe('UnreadCounts', () => {
  it("starts from the listing's counts and knows whether the server counts at all", () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([{ id: 'old', name: 'old', createdAt: '2026-01-01T00:00:00.000Z' }]);
    expect(unread.supported).toBe(false);
    unread.setListed([listing('main', 4, 3, 1), listing('side', 9, 0)]);
    expect(unread.supported).toBe(true);
    expect(unread.badge('main')).toEqual({ messages: 3, mentions: 1 });
    expect(unread.badge('side')).toEqual({ messages: 0, mentions: 0 });
    expect(unread.readUpTo('main')).toBe(4);
    expect([...unread.badges().keys()]).toEqual(['main']);
  });

  it('counts live messages by others past the marker, and mentions of me among them', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([listing('main', 4, 0)]);
    expect(unread.applyActivity(activity('main', 3))).toBe(false);
    expect(unread.applyActivity(activity('main', 5))).toBe(false);
    expect(unread.applyActivity(activity('main', 6, { senderId: ME, mentions: [ME] }))).toBe(false);
    expect(unread.applyActivity(activity('main', 7, { mentions: [2, ME] }))).toBe(true);
    expect(unread.applyActivity(activity('main', 8, { mentions: [2] }))).toBe(false);
    expect(unread.badge('main')).toEqual({ messages: 3, mentions: 1 });
  });

  it('counts a repeated activity once', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([listing('main', 0, 0)]);
    unread.applyActivity(activity('main', 5, { mentions: [ME] }));
    expect(unread.applyActivity(activity('main', 5, { mentions: [ME] }))).toBe(false);
    expect(unread.badge('main')).toEqual({ messages: 1, mentions: 1 });
  });

  it('counts a space listed since the listing (created, joined) from nothing read', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.addListed('new-room');
    unread.applyActivity(activity('new-room', 1));
    expect(unread.badge('new-room')).toEqual({ messages: 1, mentions: 0 });
    expect(unread.totals()).toEqual({ messages: 1, mentions: 0 });
  });

  describe('spaces outside the reader’s list', () => {
    it('counts nothing of them, in badges or totals, yet tells of a mention of the reader there', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 0, 2)]);
      const version = unread.version;
      expect(unread.applyActivity(activity('elsewhere', 5))).toBe(false);
      expect(unread.applyActivity(activity('elsewhere', 6, { mentions: [ME] }))).toBe(true);
      expect(unread.applyActivity(activity('elsewhere', 7, { senderId: ME, mentions: [ME] }))).toBe(false);
      expect(unread.version).toBe(version);
      // A listing running meanwhile may list the space without them: it is read again.
      expect(unread.counted).toBe(2);
      expect([...unread.badges().keys()]).toEqual(['main']);
      expect(unread.totals()).toEqual({ messages: 2, mentions: 0 });
    });

    it('counts the open one while it is open, and no longer once another space is', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 0, 0)]);
      unread.setOpen('public-room');
      unread.applyActivity(activity('public-room', 3, { mentions: [ME] }));
      expect(unread.badges().get('public-room')).toEqual({ messages: 1, mentions: 1 });
      expect(unread.totals()).toEqual({ messages: 1, mentions: 1 });
      unread.setOpen('main');
      expect(unread.badges().has('public-room')).toBe(false);
      expect(unread.totals()).toEqual({ messages: 0, mentions: 0 });
    });

    it('forgets a space that left the list, and a list read again from its start lists only what it names', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 0, 1), listing('side', 0, 4), listing('gone', 0, 2)]);
      unread.removeListed('side');
      expect(unread.badge('side')).toEqual({ messages: 0, mentions: 0 });
      unread.setListed([listing('main', 0, 1)], { restart: true });
      expect([...unread.badges().keys()]).toEqual(['main']);
      expect(unread.totals()).toEqual({ messages: 1, mentions: 0 });
    });
  });

  it('clears everything when the reader reads up to the newest message here, and never moves back', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([listing('main', 4, 10, 2)]);
    unread.applyActivity(activity('main', 20, { mentions: [ME] }));
    expect(unread.markRead('main', 20, { atHead: true })).toBe(true);
    expect(unread.badge('main')).toEqual({ messages: 0, mentions: 0 });
    expect(unread.markRead('main', 15, { atHead: true })).toBe(false);
    expect(unread.readUpTo('main')).toBe(20);
    unread.applyActivity(activity('main', 21));
    expect(unread.badge('main')).toEqual({ messages: 1, mentions: 0 });
  });

  it('keeps live messages past a marker that stops short of them', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([listing('main', 0, 0)]);
    for (const id of [1, 2, 3]) unread.applyActivity(activity('main', id, { mentions: id === 3 ? [ME] : [] }));
    unread.markRead('main', 2, { atHead: false });
    expect(unread.badge('main')).toEqual({ messages: 1, mentions: 1 });
  });

  describe('a read marker from another device', () => {
    it('zeroes the space when it reaches the newest activity seen', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 4, 10, 2)]);
      unread.applyActivity(activity('main', 30, { mentions: [ME] }));
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'main', readUpTo: 30 })).toBe('settled');
      expect(unread.badge('main')).toEqual({ messages: 0, mentions: 0 });
    });

    it('asks for a recount when listed messages may be left after it', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 4, 10, 2)]);
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'main', readUpTo: 8 })).toBe('recount');
      unread.applyActivity(activity('main', 30));
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'main', readUpTo: 20 })).toBe('recount');
      expect(unread.readUpTo('main')).toBe(20);
    });

    it('settles on the live messages alone when nothing listed was unread', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 4, 0)]);
      for (const id of [5, 6, 7]) unread.applyActivity(activity('main', id));
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'main', readUpTo: 6 })).toBe('settled');
      expect(unread.badge('main')).toEqual({ messages: 1, mentions: 0 });
    });

    it('ignores a marker at or behind the one known (its echo of a read here)', () => {
      const unread = new UnreadCounts({ myId: ME });
      unread.setListed([listing('main', 4, 3)]);
      unread.markRead('main', 9, { atHead: true });
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'main', readUpTo: 9 })).toBe('settled');
      expect(unread.applyReadMarker({ type: 'read_marker', spaceId: 'unknown', readUpTo: 9 })).toBe('settled');
      expect(unread.readUpTo('main')).toBe(9);
    });
  });

  it('a new listing replaces the live counts of its spaces', () => {
    const unread = new UnreadCounts({ myId: ME });
    unread.setListed([listing('main', 0, 0)]);
    unread.applyActivity(activity('main', 1));
    unread.applyActivity(activity('main', 2));
    unread.setListed([listing('main', 1, 1)]);
    expect(unread.badge('main')).toEqual({ messages: 1, mentions: 0 });
  });

  it('stops counting at the cap, per space and in total', () => {
    const unread = new UnreadCounts({ myId: ME, cap: 1000 });
    unread.setListed([listing('main', 0, 1000, 1000), listing('side', 0, 999)]);
    unread.applyActivity(activity('main', 5000, { mentions: [ME] }));
    expect(unread.badge('main')).toEqual({ messages: 1000, mentions: 1000 });
    expect(unread.totals()).toEqual({ messages: 1000, mentions: 1000 });
  });
});

describe('unread words', () => {
  it('shows a count at the cap as "999+"', () => {
    expect(formatCount(3)).toBe('3');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('999+');
  });

  it('labels a badge for screen readers', () => {
    expect(unreadLabel({ messages: 3, mentions: 0 })).toBe('3 unread');
    expect(unreadLabel({ messages: 3, mentions: 1 })).toBe('3 unread, 1 mention');
    expect(unreadLabel({ messages: 1000, mentions: 2 })).toBe('999+ unread, 2 mentions');
  });

  it('titles the page with the totals, mentions first', () => {
    expect(pageTitle({ messages: 0, mentions: 0 })).toBe('Tim');
    expect(pageTitle({ messages: 5, mentions: 0 })).toBe('(5) Tim');
    expect(pageTitle({ messages: 5, mentions: 2 })).toBe('(@2 · 5) Tim');
    expect(pageTitle({ messages: 1000, mentions: 1 })).toBe('(@1 · 999+) Tim');
  });
});
