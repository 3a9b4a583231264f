import type { Message, Timite, Update, UpdateEvent } from '../schemas/entities';
import { actorIdOf, applyToMessage, messageIdOf } from './message-changes';

const ADA: Timite = { id: 1, nick: 'ada', kind: 'human' };
const BOB: Timite = { id: 2, nick: 'bob', kind: 'human' };
const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T00:05:00.000Z';

const original: Message = {
  id: 10,
  spaceId: 'main',
  sender: ADA,
  content: 'hello @bob',
  mentions: [2],
  createdAt: AT,
};

function update(id: number, event: UpdateEvent): Update {
  return { id, spaceId: 'main', at: LATER, event };
}

const edit = update(2, {
  type: 'message_edited',
  messageId: 10,
  content: 'hello all',
  mentions: [],
  editedAt: LATER,
  editedBy: 1,
});
const reaction = update(3, {
  type: 'reaction',
  messageId: 10,
  emoji: '👍',
  timite: BOB,
  added: true,
  reactions: [{ emoji: '👍', timites: [BOB] }],
});
const deletion = update(4, { type: 'message_deleted', messageId: 10, deletedAt: LATER, deletedBy: 1 });

describe('applyToMessage', () => {
  it('applies an edit, a reaction and a delete, in that order, to a tombstone without content or reactions', () => {
    const edited = applyToMessage(original, edit);
    expect(edited).toEqual({ ...original, content: 'hello all', mentions: [], editedAt: LATER });
    const reacted = applyToMessage(edited, reaction);
    expect(reacted.reactions).toEqual([{ emoji: '👍', timites: [BOB] }]);
    const deleted = applyToMessage(reacted, deletion);
    expect(deleted).toEqual({
      ...original,
      content: '',
      mentions: [],
      editedAt: LATER,
      deletedAt: LATER,
      deletedBy: 1,
    });
    expect('reactions' in deleted).toBe(false);
  });

  it('leaves a tombstone alone when an older edit or reaction arrives after the delete', () => {
    const deleted = applyToMessage(original, deletion);
    expect(applyToMessage(deleted, edit)).toBe(deleted);
    expect(applyToMessage(deleted, reaction)).toBe(deleted);
  });

  it('is idempotent, and ignores updates about other messages', () => {
    const once = applyToMessage(original, reaction);
    expect(applyToMessage(once, reaction)).toEqual(once);
    const other = { ...edit, event: { ...edit.event, messageId: 11 } } as Update;
    expect(applyToMessage(original, other)).toBe(original);
  });

  it('drops the reactions field when the last reaction is taken back', () => {
    const reacted = applyToMessage(original, reaction);
    const takenBack = update(5, {
      type: 'reaction',
      messageId: 10,
      emoji: '👍',
      timite: BOB,
      added: false,
      reactions: [],
    });
    expect(applyToMessage(reacted, takenBack)).toEqual(original);
  });

  it('replaces the message with a newer read of it', () => {
    const reread = update(1, { type: 'message', message: { ...original, content: 'hello all', editedAt: LATER } });
    expect(applyToMessage(original, reread)).toEqual({ ...original, content: 'hello all', editedAt: LATER });
  });
});

describe('messageIdOf and actorIdOf', () => {
  it('name the message and who acted', () => {
    const message = update(1, { type: 'message', message: original });
    expect([message, edit, reaction, deletion].map((each) => messageIdOf(each.event))).toEqual([10, 10, 10, 10]);
    expect([message, edit, reaction, deletion].map(actorIdOf)).toEqual([1, 1, 2, 1]);
  });
});

describe('ability calls and outcomes', () => {
  const call = update(6, {
    type: 'ability_call',
    callId: 6,
    caller: BOB,
    target: ADA,
    ability: 'search',
    arguments: { query: 'release notes' },
    deadline: LATER,
  });
  const outcome = update(7, { type: 'ability_outcome', callId: 6, target: ADA, status: 'ok', result: 'found' });

  it('are about no message, change none, and name the caller and the target as actors', () => {
    expect([call, outcome].map((each) => messageIdOf(each.event))).toEqual([undefined, undefined]);
    expect(applyToMessage(original, call)).toBe(original);
    expect(applyToMessage(original, outcome)).toBe(original);
    expect([call, outcome].map(actorIdOf)).toEqual([BOB.id, ADA.id]);
  });
});
