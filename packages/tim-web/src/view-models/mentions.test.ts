import { mentionsMe, splitMentions } from './mentions';

describe('splitMentions', () => {
  it('splits text and @mentions, marking the reader', () => {
    expect(splitMentions('hi @Jarvis and @bob!', 'bob')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Jarvis', nick: 'Jarvis', isMe: false },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@bob', nick: 'bob', isMe: true },
      { kind: 'text', text: '!' },
    ]);
  });

  it('ends a mention at the first character outside the nick alphabet', () => {
    expect(splitMentions('@alice, hi')[0]).toEqual({ kind: 'mention', text: '@alice', nick: 'alice', isMe: false });
  });

  it('does not treat a run longer than a nick as a mention', () => {
    const long = `@${'a'.repeat(33)}`;
    expect(splitMentions(long)).toEqual([{ kind: 'text', text: long }]);
  });

  it('returns plain text untouched', () => {
    expect(splitMentions('no mentions here')).toEqual([{ kind: 'text', text: 'no mentions here' }]);
  });
});

describe('mentionsMe', () => {
  it('trusts the server’s mention ids when present', () => {
    expect(mentionsMe({ content: '@bob', myNick: 'bob', myId: 2, mentionIds: [] })).toBe(false);
    expect(mentionsMe({ content: 'hey', myNick: 'bob', myId: 2, mentionIds: [2] })).toBe(true);
  });

  it('falls back to the content for messages the server has not seen', () => {
    expect(mentionsMe({ content: 'ping @BOB', myNick: 'bob', myId: 2 })).toBe(true);
  });
});
