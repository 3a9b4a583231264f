import type { Timite } from '@tim/protocol';
import { COMMON_EMOJI, hasReacted, namesOf, reactionChips } from './reactions';

const ann: Timite = { id: 1, nick: 'ann', kind: 'human' };
const bo: Timite = { id: 7, nick: 'bo', kind: 'human' };
const cy: Timite = { id: 3, nick: 'Cy', kind: 'agent' };

describe('reactions', () => {
  it('makes a chip per emoji in the order first used, with counts, who, and whether the reader reacted', () => {
    const chips = reactionChips(
      {
        reactions: [
          { emoji: '👍', timites: [bo, ann, cy] },
          { emoji: '👀', timites: [ann] },
        ],
      },
      bo.id,
    );
    expect(chips).toEqual([
      {
        emoji: '👍',
        count: 3,
        mine: true,
        who: 'ann, Cy and you',
        label: '👍 3: ann, Cy and you. Take your reaction back',
      },
      { emoji: '👀', count: 1, mine: false, who: 'ann', label: '👀 1: ann. React with 👀' },
    ]);
    expect(reactionChips({}, bo.id)).toEqual([]);
  });

  it('names who reacted in plain words', () => {
    expect(namesOf([bo], bo.id)).toBe('you');
    expect(namesOf([ann, bo], bo.id)).toBe('ann and you');
    expect(namesOf([ann, cy], bo.id)).toBe('ann and Cy');
    expect(namesOf([], bo.id)).toBe('');
  });

  it('tells whether a click adds or takes back a reaction', () => {
    const message = { reactions: [{ emoji: '🎉', timites: [ann, bo] }] };
    expect(hasReacted(message, '🎉', bo.id)).toBe(true);
    expect(hasReacted(message, '🎉', cy.id)).toBe(false);
    expect(hasReacted(message, '👍', bo.id)).toBe(false);
  });

  it('offers eight common emoji, each a valid reaction (no whitespace, at most 32 units)', () => {
    expect(COMMON_EMOJI).toHaveLength(8);
    for (const emoji of COMMON_EMOJI) expect(emoji).toMatch(/^\S{1,32}$/u);
  });
});
