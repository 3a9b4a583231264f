import { findMentionedNicks } from './mentions';

describe('findMentionedNicks', () => {
  it('finds each @nick once, lowercased, in order of first appearance', () => {
    expect(findMentionedNicks('@Jarvis and @alice, then @jarvis again')).toEqual(['jarvis', 'alice']);
  });

  it('ends a mention at the first character outside the nick alphabet', () => {
    expect(findMentionedNicks('hi @bob! and @carol_2.x?')).toEqual(['bob', 'carol_2.x']);
  });

  it('ignores runs longer than a nick can be', () => {
    expect(findMentionedNicks(`@${'a'.repeat(33)}`)).toEqual([]);
  });

  it('returns nothing for a message without mentions', () => {
    expect(findMentionedNicks('no one named here, not even @')).toEqual([]);
  });
});
