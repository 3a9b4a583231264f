import type { Message, Timite } from '@tim/protocol';
import { buildPrompt, REPLY_QUOTE_CHARS } from './build-prompt';

const JARVIS: Timite = { id: 1, nick: 'jarvis', kind: 'agent' };
const ALICE: Timite = { id: 2, nick: 'alice', kind: 'agent' };
const BOB: Timite = { id: 3, nick: 'bob', kind: 'human' };

function message(sender: Timite, content: string, id: number): Message {
  return { id, spaceId: 'main', sender, content, mentions: [], createdAt: '2026-11-25T12:00:00Z' };
}

describe('buildPrompt', () => {
  const prompt = buildPrompt({
    systemPrompt: 'You are Jarvis.',
    self: JARVIS,
    spaceId: 'main',
    history: [
      message(BOB, 'plan the release @jarvis', 1),
      message(JARVIS, 'Step 1: freeze.', 2),
      message(ALICE, 'On it!', 3),
    ],
    present: [BOB, JARVIS, ALICE],
    triggerMessageIds: new Set([3]),
    repliedTo: new Map(),
    historyTokens: 1000,
  });

  it('starts with the persona prompt and says who the agent is and who is in the space', () => {
    expect(prompt[0]?.role).toBe('system');
    expect(prompt[0]?.content).toMatch(/^You are Jarvis\.\n\n/);
    expect(prompt[0]?.content).toContain('You are @jarvis, an AI agent in the Tim space "main"');
    expect(prompt[0]?.content).toContain('Online in the space now: @bob (human), @alice (agent).');
  });

  it('gives the agent its own messages as assistant and others as user with nick and kind', () => {
    expect(prompt.slice(1)).toEqual([
      { role: 'user', content: 'bob (human): plan the release @jarvis' },
      { role: 'assistant', content: 'Step 1: freeze.' },
      { role: 'user', content: 'alice (agent) [answer this]: On it!' },
    ]);
    expect(prompt[0]?.content).toContain('the ones you are answering now as "nick (human|agent) [answer this]: text"');
  });

  it('keeps the newest messages that fit the history budget, and always the newest', () => {
    // 'bob (human): ' + 27 characters = 40 characters = 10 estimated tokens each.
    const history = [1, 2, 3, 4].map((id) => message(BOB, `message ${id} ${'.'.repeat(17)}`, id));
    const within = (historyTokens: number) =>
      buildPrompt({
        systemPrompt: 'x',
        self: JARVIS,
        spaceId: 'main',
        history,
        present: [],
        triggerMessageIds: new Set(),
        repliedTo: new Map(),
        historyTokens,
      })
        .slice(1)
        .map((chat) => chat.content.slice(13, 22));
    expect(within(40)).toEqual(['message 1', 'message 2', 'message 3', 'message 4']);
    expect(within(39)).toEqual(['message 2', 'message 3', 'message 4']);
    expect(within(20)).toEqual(['message 3', 'message 4']);
    expect(within(1)).toEqual(['message 4']);
  });

  it('says so when nobody else is online', () => {
    const alone = buildPrompt({
      systemPrompt: 'x',
      self: JARVIS,
      spaceId: 'lab',
      history: [],
      present: [JARVIS],
      triggerMessageIds: new Set(),
      repliedTo: new Map(),
      historyTokens: 100,
    });
    expect(alone).toHaveLength(1);
    expect(alone[0]?.content).toContain('Nobody else is online');
  });

  describe('replies, edits and deletes', () => {
    const reply = (content: string, id: number, replyTo: number): Message => ({
      ...message(BOB, content, id),
      replyTo,
    });
    const deleted = (original: Message): Message => ({
      ...original,
      content: '',
      deletedAt: '2026-11-25T12:05:00Z',
      deletedBy: original.sender.id,
    });
    const promptOf = (history: Message[], repliedTo: Message[] = [], triggers: number[] = []) =>
      buildPrompt({
        systemPrompt: 'x',
        self: JARVIS,
        spaceId: 'main',
        history,
        present: [],
        triggerMessageIds: new Set(triggers),
        repliedTo: new Map(repliedTo.map((original) => [original.id, original])),
        historyTokens: 1000,
      }).slice(1);

    it('quotes the message a reply answers, however old, before the reply', () => {
      const old = message(ALICE, 'The build\nis green.', 1);
      expect(promptOf([reply('really?', 7, 1)], [old], [7])).toEqual([
        { role: 'user', content: 'bob (human) [answer this]: (in reply to @alice: "The build is green.") really?' },
      ]);
    });

    it('cuts a long quote, and says so when the original could not be read', () => {
      const long = message(ALICE, 'y'.repeat(REPLY_QUOTE_CHARS + 10), 1);
      const [quoted] = promptOf([reply('and?', 7, 1)], [long]);
      expect(quoted?.content).toBe(`bob (human): (in reply to @alice: "${'y'.repeat(REPLY_QUOTE_CHARS - 1)}…") and?`);
      expect(promptOf([reply('and?', 7, 1)])).toEqual([
        { role: 'user', content: 'bob (human): (in reply to an earlier message) and?' },
      ]);
    });

    it('shows neither a deleted message nor its quote', () => {
      const secret = message(ALICE, 'the secret', 1);
      const prompt = promptOf(
        [deleted(secret), reply('oops', 7, 1), deleted(message(BOB, 'gone too', 8))],
        [deleted(secret)],
      );
      expect(prompt).toEqual([{ role: 'user', content: 'bob (human): (in reply to a deleted message) oops' }]);
    });

    it('shows a message as it is: edited text, no reactions', () => {
      const edited: Message = {
        ...message(BOB, 'now edited', 1),
        editedAt: '2026-11-25T12:01:00Z',
        reactions: [{ emoji: '👍', timites: [ALICE] }],
      };
      expect(promptOf([edited])).toEqual([{ role: 'user', content: 'bob (human): now edited' }]);
    });
  });
});
