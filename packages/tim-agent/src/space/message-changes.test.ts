import type { Message, Timite, Update } from '@tim/protocol';
import { MessageChanges } from './message-changes';
import { RepliedMessages } from './replied-messages';

const BOB: Timite = { id: 2, nick: 'bob', kind: 'human' };

function message(id: number, content = 'the original'): Message {
  return { id, spaceId: 'main', sender: BOB, content, mentions: [], createdAt: '2026-11-25T12:00:00Z' };
}

const edited = (messageId: number, content: string, editedAt: string): Update => ({
  id: 50,
  spaceId: 'main',
  at: editedAt,
  event: { type: 'message_edited', messageId, content, mentions: [], editedAt, editedBy: BOB.id },
});

const deleted = (messageId: number): Update => ({
  id: 60,
  spaceId: 'main',
  at: '2026-11-25T12:09:00Z',
  event: { type: 'message_deleted', messageId, deletedAt: '2026-11-25T12:09:00Z', deletedBy: BOB.id },
});

describe('MessageChanges', () => {
  it('shows a message read before a delete as its tombstone', () => {
    const changes = new MessageChanges();
    changes.record(deleted(1));
    expect(changes.isDeleted(1)).toBe(true);
    expect(changes.current(message(1))).toEqual({
      ...message(1, ''),
      deletedAt: '2026-11-25T12:09:00Z',
      deletedBy: BOB.id,
    });
    expect(changes.current(message(2))).toEqual(message(2));
  });

  it('applies the newest edit heard, and never an older one over a newer read', () => {
    const changes = new MessageChanges();
    changes.record(edited(1, 'second', '2026-11-25T12:02:00Z'));
    changes.record(edited(1, 'first', '2026-11-25T12:01:00Z'));
    expect(changes.current(message(1)).content).toBe('second');
    const readLater = { ...message(1, 'third'), editedAt: '2026-11-25T12:03:00Z' };
    expect(changes.current(readLater)).toBe(readLater);
  });

  it('keeps only the newest changed messages', () => {
    const changes = new MessageChanges(2);
    for (const id of [1, 2, 3]) changes.record(deleted(id));
    expect([1, 2, 3].map((id) => changes.isDeleted(id))).toEqual([false, true, true]);
  });

  it('ignores messages and reactions', () => {
    const changes = new MessageChanges();
    changes.record({
      id: 1,
      spaceId: 'main',
      at: '2026-11-25T12:00:00Z',
      event: { type: 'message', message: message(1) },
    });
    expect(changes.current(message(1, 'x'))).toEqual(message(1, 'x'));
  });
});

describe('RepliedMessages', () => {
  it('keeps the most recently used, with the changes applied', () => {
    const replied = new RepliedMessages(2);
    replied.remember(message(1));
    replied.remember(message(2));
    expect(replied.get(1)).toEqual(message(1));
    replied.remember(message(3));
    expect(replied.get(2)).toBeUndefined();
    replied.apply(edited(1, 'edited', '2026-11-25T12:01:00Z'));
    replied.apply(deleted(3));
    expect(replied.get(1)?.content).toBe('edited');
    expect(replied.get(3)).toMatchObject({ content: '', deletedBy: BOB.id });
  });
});
