import type { Message, Timite, Update } from '@tim/protocol';
import { foldChanges } from './recent-messages';

const BOB: Timite = { id: 2, nick: 'bob', kind: 'human' };
const AT = '2026-11-25T12:00:00Z';

const added = (id: number, content: string): Update => {
  const message: Message = { id: 100 + id, spaceId: 'main', sender: BOB, content, mentions: [], createdAt: AT };
  return { id, spaceId: 'main', at: AT, event: { type: 'message', message } };
};

describe('foldChanges', () => {
  it('gives the messages, oldest first, with the edits, deletes and reactions among the updates applied', () => {
    const messages = foldChanges([
      added(1, 'one'),
      added(2, 'two'),
      {
        id: 3,
        spaceId: 'main',
        at: AT,
        event: { type: 'message_edited', messageId: 101, content: 'uno', mentions: [], editedAt: AT, editedBy: BOB.id },
      },
      {
        id: 4,
        spaceId: 'main',
        at: AT,
        event: { type: 'message_deleted', messageId: 102, deletedAt: AT, deletedBy: BOB.id },
      },
      {
        id: 5,
        spaceId: 'main',
        at: AT,
        event: { type: 'message_deleted', messageId: 99, deletedAt: AT, deletedBy: BOB.id },
      },
      added(6, 'three'),
    ]);
    expect(messages.map((message) => [message.content, message.deletedAt !== undefined])).toEqual([
      ['uno', false],
      ['', true],
      ['three', false],
    ]);
  });
});
