import type { Message, Timite } from '@tim/protocol';
import { KnownMessages } from '../reply-policy/agent-chain';
import { findMissed } from './missed-messages';

const SELF: Timite = { id: 1, nick: 'jarvis', kind: 'agent' };
const BOB: Timite = { id: 2, nick: 'bob', kind: 'human' };
const NOON = Date.parse('2026-11-25T12:00:00Z');

function known(...messages: [number, Timite, number][]): KnownMessages {
  const result = new KnownMessages();
  for (const [updateId, sender, createdAtMs] of messages) {
    const message: Message = {
      id: 100 + updateId,
      spaceId: 'main',
      sender,
      content: 'x',
      mentions: [],
      createdAt: new Date(createdAtMs).toISOString(),
    };
    result.add(updateId, message);
  }
  return result;
}

const ids = (updates: { id: number }[]) => updates.map((update) => update.id);

describe('findMissed', () => {
  const range = { afterId: 0, throughId: 10, selfId: SELF.id, notBeforeMs: NOON - 600_000 };

  it('gives the messages of others in the range, oldest first', () => {
    expect(ids(findMissed(known([2, BOB, NOON], [1, BOB, NOON], [11, BOB, NOON]), range))).toEqual([1, 2]);
    expect(ids(findMissed(known([2, BOB, NOON], [1, BOB, NOON]), { ...range, afterId: 1 }))).toEqual([2]);
  });

  it('leaves out what the agent posted after: answered', () => {
    expect(ids(findMissed(known([1, BOB, NOON], [2, SELF, NOON], [3, BOB, NOON]), range))).toEqual([3]);
  });

  it('leaves out deleted messages', () => {
    const messages = known([1, BOB, NOON], [2, BOB, NOON]);
    messages.apply({
      id: 3,
      spaceId: 'main',
      at: new Date(NOON).toISOString(),
      event: { type: 'message_deleted', messageId: 101, deletedAt: new Date(NOON).toISOString(), deletedBy: BOB.id },
    });
    expect(ids(findMissed(messages, range))).toEqual([2]);
  });

  it('leaves out messages older than the window', () => {
    const messages = known([1, BOB, NOON - 600_001], [2, BOB, NOON - 600_000]);
    expect(ids(findMissed(messages, range))).toEqual([2]);
  });
});
