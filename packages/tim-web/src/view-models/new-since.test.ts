import type { Timite } from '@tim/protocol';
import { entryAt, newSinceKey } from './new-since';
import { makeUpdate } from './test-updates';
import type { TimelineEntry } from './timeline';

const me: Timite = { id: 7, nick: 'bo', kind: 'human' };

function entries(ids: number[], mine: number[] = []): TimelineEntry[] {
  return ids.map((id) => {
    const update = makeUpdate(id, mine.includes(id) ? { sender: me } : {});
    return { updateId: update.id, message: update.event.message };
  });
}

describe('newSinceKey', () => {
  const window = entries([3, 5, 6, 8, 9, 12], [6]);

  it('puts the line above the first message by someone else past the marker', () => {
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 5, upTo: 12 }, me.id)).toBe('u8');
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 4, upTo: 12 }, me.id)).toBe('u5');
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 8, upTo: 12 }, me.id)).toBe('u9');
  });

  it('draws no line when nothing was new, for a space never read, or for what arrived after opening', () => {
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 12, upTo: 12 }, me.id)).toBeUndefined();
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 0, upTo: 12 }, me.id)).toBeUndefined();
    expect(newSinceKey(window, { spaceId: 'main', readUpTo: 9, upTo: 10 }, me.id)).toBeUndefined();
    expect(newSinceKey(entries([5, 6], [6]), { spaceId: 'main', readUpTo: 5, upTo: 6 }, me.id)).toBeUndefined();
    expect(newSinceKey(window, undefined, me.id)).toBeUndefined();
  });

  it('keys a streamed message by its stream', () => {
    const update = makeUpdate(4, { stream: { id: 'stream-abc', end: 'finished' } });
    const streamed = [...entries([3]), { updateId: 4, message: update.event.message }];
    expect(newSinceKey(streamed, { spaceId: 'main', readUpTo: 3, upTo: 4 }, me.id)).toBe('sstream-abc');
  });
});

describe('entryAt', () => {
  it('finds an entry by update id', () => {
    const window = entries([3, 5, 6, 8]);
    expect(entryAt(window, 6)?.updateId).toBe(6);
    expect(entryAt(window, 7)).toBeUndefined();
    expect(entryAt(window, 1)).toBeUndefined();
    expect(entryAt(window, 9)).toBeUndefined();
  });
});
