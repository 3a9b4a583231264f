import type { Update } from '@tim/protocol';
import { Timeline } from './timeline';
import { makeUpdate, makeUpdates } from './test-updates';

const ids = (timeline: Timeline): number[] => timeline.entries.map((entry) => entry.updateId);

describe('Timeline', () => {
  it('keeps entries in update id order whatever order they arrive in', () => {
    const timeline = new Timeline();
    timeline.reset(makeUpdates(1, 3), 3);
    timeline.apply([makeUpdate(6), makeUpdate(4)], 'live');
    timeline.apply([makeUpdate(5)], 'live');
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('appends live messages newer than the window as they come, keeping the entries already there', () => {
    const timeline = new Timeline();
    timeline.reset(makeUpdates(1, 3), 3);
    const before = timeline.entries;
    const unknown = { ...makeUpdate(5), event: { type: 'poll_opened' } } as unknown as Update;
    expect(timeline.apply([makeUpdate(4), unknown, makeUpdate(6)], 'live')).toBe(2);
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 6]);
    expect(timeline.entries.slice(0, 3)).toEqual(before);
    expect(timeline.entries[0]).toBe(before[0]);
  });

  it('drops duplicates from a resume that overlaps live updates and HTTP confirmations', () => {
    const timeline = new Timeline();
    timeline.reset(makeUpdates(1, 5), 5);
    expect(timeline.apply(makeUpdates(4, 8), 'live')).toBe(3);
    expect(timeline.apply([makeUpdate(8), makeUpdate(7)], 'live')).toBe(0);
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('ignores event kinds it does not render', () => {
    const timeline = new Timeline();
    const unknown = { ...makeUpdate(2), event: { type: 'poll_opened' } } as unknown as Update;
    timeline.reset([makeUpdate(1), unknown], 2);
    expect(ids(timeline)).toEqual([1]);
  });

  it('never holds more than its window, dropping the oldest end while the reader follows the bottom', () => {
    const timeline = new Timeline({ windowSize: 5 });
    timeline.reset(makeUpdates(1, 5), 5);
    timeline.apply(makeUpdates(6, 8), 'live', { followBottom: true });
    expect(ids(timeline)).toEqual([4, 5, 6, 7, 8]);
    expect(timeline.hasOlder).toBe(true);
    expect(timeline.hasNewer).toBe(false);
  });

  it('drops the newest end instead when the reader is scrolled up, and then reports newer updates', () => {
    const timeline = new Timeline({ windowSize: 5 });
    timeline.reset(makeUpdates(1, 5), 5);
    timeline.apply([makeUpdate(6)], 'live', { followBottom: false });
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 5]);
    expect(timeline.hasNewer).toBe(true);
    expect(timeline.headId).toBe(6);
  });

  it('counts the live messages past a full window that the reader has not seen, until paging or a reset shows them', () => {
    const timeline = new Timeline({ windowSize: 5 });
    timeline.reset(makeUpdates(1, 3), 3);
    for (let id = 4; id <= 12; id += 1) timeline.apply([makeUpdate(id)], 'live', { followBottom: false });
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 5]);
    expect(timeline.missedNewer).toBe(7);
    timeline.apply(makeUpdates(6, 8), 'newer-page', { headId: 12 });
    expect(timeline.missedNewer).toBe(4);
    timeline.reset(makeUpdates(8, 12), 12);
    expect(timeline.missedNewer).toBe(0);
  });

  it('pages back through history and trims the far (newest) end', () => {
    const timeline = new Timeline({ windowSize: 6 });
    timeline.reset(makeUpdates(11, 14), 14);
    expect(timeline.hasOlder).toBe(true);
    timeline.apply(makeUpdates(7, 10), 'older-page');
    expect(ids(timeline)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(timeline.hasNewer).toBe(true);
    timeline.apply(makeUpdates(1, 6), 'older-page');
    expect(ids(timeline)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(timeline.hasOlder).toBe(false);
  });

  it('ignores live updates while the window does not reach the head, then pages forward to it', () => {
    const timeline = new Timeline({ windowSize: 4 });
    timeline.reset(makeUpdates(5, 8), 8);
    timeline.apply(makeUpdates(1, 4), 'older-page');
    expect(timeline.apply([makeUpdate(9)], 'live')).toBe(0);
    expect(timeline.headId).toBe(9);
    timeline.apply(makeUpdates(5, 8), 'newer-page', { headId: 9 });
    expect(timeline.hasNewer).toBe(true);
    timeline.apply([makeUpdate(9)], 'newer-page', { headId: 9 });
    expect(ids(timeline)).toEqual([6, 7, 8, 9]);
    expect(timeline.hasNewer).toBe(false);
    timeline.apply([makeUpdate(10)], 'live');
    expect(ids(timeline)).toEqual([7, 8, 9, 10]);
  });

  it('stays bounded over thousands of live updates', () => {
    const timeline = new Timeline({ windowSize: 300 });
    timeline.reset([], 0);
    for (let id = 1; id <= 5000; id += 1) timeline.apply([makeUpdate(id)], 'live', { followBottom: true });
    expect(timeline.entries).toHaveLength(300);
    expect(timeline.firstId).toBe(4701);
    expect(timeline.lastId).toBe(5000);
  });
});
