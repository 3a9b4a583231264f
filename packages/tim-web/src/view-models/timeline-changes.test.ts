import type { Message, Timite, Update } from '@tim/protocol';
import { makeDelete, makeEdit, makeReaction } from './test-changes';
import { makeUpdate, makeUpdates } from './test-updates';
import { Timeline } from './timeline';

const bo: Timite = { id: 7, nick: 'bo', kind: 'human' };
const cy: Timite = { id: 3, nick: 'cy', kind: 'human' };

const contents = (timeline: Timeline): string[] => timeline.entries.map((entry) => entry.message.content);

/** Message `id` as a page read after its changes shows it. */
function current(id: number, change: Partial<Message>): Update {
  const update = makeUpdate(id);
  return { ...update, event: { type: 'message', message: { ...update.event.message, ...change } } };
}

describe('Timeline: edits, deletes and reactions', () => {
  it('folds live changes into the messages they name, keeping every other entry the same object', () => {
    const timeline = new Timeline();
    timeline.reset(makeUpdates(1, 3), 3);
    const before = [...timeline.entries];
    const array = timeline.entries;
    timeline.apply([makeEdit(4, 2, 'message 2, better')], 'live');
    // Changed in place: no new window, no sort, whatever its size.
    expect(timeline.entries).toBe(array);
    expect(contents(timeline)).toEqual(['message 1', 'message 2, better', 'message 3']);
    expect(timeline.entryOf(2)?.message.editedAt).toBeDefined();
    expect(timeline.entries[0]).toBe(before[0]);
    expect(timeline.entries[2]).toBe(before[2]);

    timeline.apply([makeReaction(5, 3, [{ emoji: '🎉', timites: [bo] }])], 'live');
    expect(timeline.entryOf(3)?.message.reactions).toEqual([{ emoji: '🎉', timites: [bo] }]);
    timeline.apply([makeDelete(6, 2)], 'live');
    expect(timeline.entryOf(2)?.message).toMatchObject({ content: '', deletedBy: 1 });
    expect(timeline.entries.map((entry) => entry.updateId)).toEqual([1, 2, 3]);
    expect(timeline.lastId).toBe(6);
  });

  it('does not undo a page that already shows a newer state with the older changes it carries', () => {
    const timeline = new Timeline();
    const both = [
      { emoji: '👍', timites: [bo, cy] },
      { emoji: '👀', timites: [cy] },
    ];
    timeline.reset(
      [
        current(1, { reactions: both, content: 'second edit' }),
        makeEdit(2, 1, 'first edit'),
        makeReaction(3, 1, [{ emoji: '👍', timites: [bo] }]),
        makeEdit(4, 1, 'second edit'),
        makeReaction(5, 1, both),
      ],
      5,
    );
    expect(timeline.entryOf(1)?.message).toMatchObject({ content: 'second edit', reactions: both });
    // A resume from the page's end repeats nothing; a change after it applies.
    timeline.apply([makeReaction(6, 1, [{ emoji: '👀', timites: [cy] }], { timite: bo, added: false })], 'live');
    expect(timeline.entryOf(1)?.message.reactions).toEqual([{ emoji: '👀', timites: [cy] }]);
  });

  it('pages past updates that are only changes, both ways', () => {
    const timeline = new Timeline({ windowSize: 3 });
    const done = [{ emoji: '✅', timites: [bo] }];
    const updates: Update[] = [
      ...makeUpdates(1, 3),
      makeReaction(4, 1, [{ emoji: '👍', timites: [bo] }]),
      makeEdit(5, 2, 'edited'),
      makeUpdate(6),
      current(7, { reactions: done }),
      makeUpdate(8),
      makeReaction(9, 7, done),
    ];
    timeline.reset(updates.slice(6), 9);
    expect(timeline.firstId).toBe(7);
    timeline.apply(updates.slice(3, 6), 'older-page');
    // The next page starts before the changes read, not at the first message.
    expect(timeline.firstId).toBe(4);
    expect(timeline.hasOlder).toBe(true);
    timeline.apply(updates.slice(0, 3), 'older-page');
    expect(contents(timeline)).toEqual(['message 1', 'message 2', 'message 3']);
    expect(timeline.hasNewer).toBe(true);
    expect(timeline.lastId).toBe(3);
    timeline.apply(updates.slice(3, 5), 'newer-page', { headId: 9 });
    expect(contents(timeline)).toEqual(['message 1', 'edited', 'message 3']);
    expect(timeline.entryOf(1)?.message.reactions).toHaveLength(1);
    expect(timeline.hasNewer).toBe(true);
    timeline.apply(updates.slice(5), 'newer-page', { headId: 9 });
    expect(timeline.hasNewer).toBe(false);
    expect(timeline.entryOf(7)?.message.reactions).toEqual(done);
  });

  it('shows changes to the messages in the window while it does not reach the head', () => {
    const timeline = new Timeline({ windowSize: 3 });
    timeline.reset(makeUpdates(4, 6), 6);
    timeline.apply(makeUpdates(1, 3), 'older-page');
    expect(timeline.hasNewer).toBe(true);
    timeline.apply([makeEdit(7, 2, 'edited while away'), makeEdit(8, 5, 'not in the window')], 'live');
    expect(contents(timeline)).toEqual(['message 1', 'edited while away', 'message 3']);
    // Paging forward later brings the same edit again: the window already shows it.
    timeline.apply(makeUpdates(4, 6), 'newer-page', { headId: 8 });
    expect(timeline.entryOf(5)).toBeDefined();
  });

  it("shows the server's answer to the reader's own change unless a newer state came first", () => {
    const timeline = new Timeline();
    timeline.reset(makeUpdates(1, 2), 2);
    const message = timeline.entryOf(1)?.message as Message;
    expect(timeline.refresh({ ...message, content: 'mine, edited' }, 3)).toBe(true);
    expect(contents(timeline)).toEqual(['mine, edited', 'message 2']);
    timeline.apply([makeEdit(4, 1, 'edited again')], 'live');
    expect(timeline.refresh({ ...message, content: 'mine, edited' }, 3)).toBe(false);
    expect(contents(timeline)).toEqual(['edited again', 'message 2']);
  });

  it('keeps finding messages while thousands pass through a small window', () => {
    const timeline = new Timeline({ windowSize: 3 });
    timeline.reset(makeUpdates(1, 3), 3);
    for (let id = 4; id <= 3000; id += 1) timeline.apply([makeUpdate(id)], 'live');
    timeline.apply([makeEdit(3001, 2999, 'late edit'), makeEdit(3002, 5, 'long gone')], 'live');
    expect(contents(timeline)).toEqual(['message 2998', 'late edit', 'message 3000']);
    expect(timeline.entryOf(5)).toBeUndefined();
  });

  it('forgets messages that left the window', () => {
    const timeline = new Timeline({ windowSize: 2 });
    timeline.reset(makeUpdates(1, 2), 2);
    timeline.apply([makeUpdate(3)], 'live');
    expect(timeline.entryOf(1)).toBeUndefined();
    timeline.apply([makeEdit(4, 1, 'gone from view')], 'live');
    expect(contents(timeline)).toEqual(['message 2', 'message 3']);
  });
});
