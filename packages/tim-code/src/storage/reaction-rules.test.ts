import type { Reaction, Timite } from '@tim/protocol';
import { applyReactionToggle, type ReactionToggle } from './reaction-rules';

const ann: Timite = { id: 1, nick: 'ann', kind: 'human' };
const bob: Timite = { id: 2, nick: 'bob', kind: 'human' };
const bot: Timite = { id: 3, nick: 'bot', kind: 'agent' };

function toggle(timite: Timite, emoji: string, add: boolean, limits: Partial<ReactionToggle> = {}): ReactionToggle {
  return { timite, emoji, add, maxEmojiPerMessage: 20, maxReactionsPerTimite: 10, ...limits };
}

describe('applyReactionToggle', () => {
  it('appends a new emoji at the end and a new timite after those who reacted before', () => {
    const reactions: Reaction[] = [{ emoji: '👍', timites: [ann] }];
    expect(applyReactionToggle(reactions, toggle(bot, '🎉', true))).toEqual({
      outcome: 'changed',
      reactions: [
        { emoji: '👍', timites: [ann] },
        { emoji: '🎉', timites: [bot] },
      ],
    });
    expect(applyReactionToggle(reactions, toggle(bob, '👍', true))).toEqual({
      outcome: 'changed',
      reactions: [{ emoji: '👍', timites: [ann, bob] }],
    });
    expect(reactions).toEqual([{ emoji: '👍', timites: [ann] }]);
  });

  it('takes a reaction back and drops an emoji nobody holds any more', () => {
    const reactions: Reaction[] = [
      { emoji: '👍', timites: [ann, bob] },
      { emoji: '🎉', timites: [bob] },
    ];
    expect(applyReactionToggle(reactions, toggle(bob, '🎉', false))).toEqual({
      outcome: 'changed',
      reactions: [{ emoji: '👍', timites: [ann, bob] }],
    });
    expect(applyReactionToggle(reactions, toggle(ann, '👍', false))).toEqual({
      outcome: 'changed',
      reactions: [
        { emoji: '👍', timites: [bob] },
        { emoji: '🎉', timites: [bob] },
      ],
    });
    expect(applyReactionToggle([{ emoji: '👍', timites: [ann] }], toggle(ann, '👍', false))).toEqual({
      outcome: 'changed',
      reactions: [],
    });
  });

  it('answers unchanged for an add that is there and a take-back that is not, even at a limit', () => {
    const reactions: Reaction[] = [{ emoji: '👍', timites: [ann] }];
    const tight = { maxEmojiPerMessage: 1, maxReactionsPerTimite: 1 };
    expect(applyReactionToggle(reactions, toggle(ann, '👍', true, tight))).toEqual({ outcome: 'unchanged' });
    expect(applyReactionToggle(reactions, toggle(bob, '👍', false, tight))).toEqual({ outcome: 'unchanged' });
    expect(applyReactionToggle(reactions, toggle(ann, '🎉', false, tight))).toEqual({ outcome: 'unchanged' });
  });

  it('refuses a new emoji past maxEmojiPerMessage but lets a timite join an emoji there', () => {
    const reactions: Reaction[] = [
      { emoji: 'a', timites: [ann] },
      { emoji: 'b', timites: [ann] },
    ];
    expect(applyReactionToggle(reactions, toggle(bob, 'c', true, { maxEmojiPerMessage: 2 }))).toEqual({
      outcome: 'reaction_limit',
    });
    expect(applyReactionToggle(reactions, toggle(bob, 'b', true, { maxEmojiPerMessage: 2 })).outcome).toBe('changed');
  });

  it("refuses a timite's reaction past maxReactionsPerTimite, counting only its own", () => {
    const reactions: Reaction[] = [
      { emoji: 'a', timites: [ann, bob] },
      { emoji: 'b', timites: [ann] },
    ];
    expect(applyReactionToggle(reactions, toggle(ann, 'a2', true, { maxReactionsPerTimite: 2 }))).toEqual({
      outcome: 'reaction_limit',
    });
    expect(applyReactionToggle(reactions, toggle(bob, 'b', true, { maxReactionsPerTimite: 2 })).outcome).toBe(
      'changed',
    );
  });

  it('stores only the id, nick and kind of the timite', () => {
    const extra = { ...bob, revoked: false } as Timite;
    const result = applyReactionToggle([], toggle(extra, 'a', true));
    expect(result).toEqual({ outcome: 'changed', reactions: [{ emoji: 'a', timites: [bob] }] });
    expect(result.outcome === 'changed' && Object.keys(result.reactions[0]?.timites[0] ?? {})).toEqual([
      'id',
      'nick',
      'kind',
    ]);
  });
});
