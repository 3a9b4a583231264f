import type { Message, Timite } from '@tim/protocol';
import { KnownMessages } from '../reply-policy/agent-chain';
import { MessageChanges } from '../space/message-changes';
import { replyTargetOf } from './reply-target';

const BOB: Timite = { id: 2, nick: 'bob', kind: 'human' };
const ALICE: Timite = { id: 3, nick: 'alice', kind: 'agent' };

function space(...senders: Timite[]): { known: KnownMessages; changes: MessageChanges } {
  const known = new KnownMessages();
  senders.forEach((sender, index) => {
    const message: Message = {
      id: 100 + index + 1,
      spaceId: 'main',
      sender,
      content: 'x',
      mentions: [],
      createdAt: '2026-11-25T12:00:00Z',
    };
    known.add(index + 1, message);
  });
  return { known, changes: new MessageChanges() };
}

describe('replyTargetOf', () => {
  it('names nothing when the reply directly follows the message it answers', () => {
    expect(replyTargetOf(space(BOB, BOB), [1, 2])).toBeUndefined();
  });

  it('names the newest answered message when something was posted after it', () => {
    expect(replyTargetOf(space(BOB, ALICE), [1])).toBe(101);
    expect(replyTargetOf(space(BOB, BOB, ALICE), [1, 2])).toBe(102);
  });

  it('skips deleted messages, and names nothing when all are deleted', () => {
    const withDeletes = space(BOB, BOB, ALICE);
    withDeletes.changes.record({
      id: 4,
      spaceId: 'main',
      at: '2026-11-25T12:01:00Z',
      event: { type: 'message_deleted', messageId: 102, deletedAt: '2026-11-25T12:01:00Z', deletedBy: BOB.id },
    });
    expect(replyTargetOf(withDeletes, [1, 2])).toBe(101);
    expect(replyTargetOf(withDeletes, [2])).toBeUndefined();
    expect(replyTargetOf(withDeletes, [9])).toBeUndefined();
  });
});
