import type { FakeChatRequest } from '../support/fake-openai';
import { callsBy, useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

/** The text of every message of a request, for "never appears anywhere" checks. */
const allText = (request: FakeChatRequest | undefined): string =>
  (request?.messages ?? []).map((message) => message.content).join('\n');

describe('tim-agent with replies, edits and deletes', () => {
  const space = useAgentSpace();
  /** A short history window: three messages. */
  const shortMemory = { overrides: { openingMessage: undefined, historyMessages: 3 } };

  it('gets the message a reply answers into the prompt, even when older than its history window', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', shortMemory);
    const original = await bob.sendMessage('main', 'The release train leaves on Friday.');
    for (const n of [1, 2, 3, 4]) await bob.sendMessage('main', `filler ${n}`);
    await bob.sendMessage('main', '@jarvis is that still true?', { replyTo: original.message.id });
    await waitForQuiet(bob, space.agents);

    const [call] = callsBy(fake, 'jarvis');
    expect(call?.messages.slice(1)).toEqual([
      { role: 'user', content: 'bob (human): filler 3' },
      { role: 'user', content: 'bob (human): filler 4' },
      {
        role: 'user',
        content:
          'bob (human) [answer this]: (in reply to @bob: "The release train leaves on Friday.") @jarvis is that still true?',
      },
    ]);
    // Its reply directly follows the message it answers: it names nothing.
    const reply = (await readMessages(bob)).at(-1);
    expect(reply?.sender.nick).toBe('jarvis');
    expect(reply?.replyTo).toBeUndefined();
  });

  it('names the message it answers when something was posted after it', async () => {
    const { bob } = space;
    // The aside arrives during the response delay; jarvis answers people only when mentioned.
    await space.start('jarvis', { overrides: { openingMessage: undefined, responseDelayMs: 500 } });
    const asked = await bob.sendMessage('main', '@jarvis what is the plan?');
    await bob.sendMessage('main', 'an aside for the others');
    await waitForQuiet(bob, space.agents);

    const messages = await readMessages(bob);
    expect(messages.map((message) => [message.sender.nick, message.replyTo])).toEqual([
      ['bob', undefined],
      ['bob', undefined],
      ['jarvis', asked.message.id],
    ]);
    // A stream cannot carry replyTo: this reply was posted whole.
    expect(messages.at(-1)?.stream).toBeUndefined();
  });

  it('does not answer an edit, not even one adding its mention, and prompts with the edited text', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', { overrides: { openingMessage: undefined } });
    const question = await bob.sendMessage('main', '@jarvis what is 2 + 2?');
    await waitForQuiet(bob, space.agents);
    expect(callsBy(fake, 'jarvis')).toHaveLength(1);

    await bob.editMessage('main', question.message.id, '@jarvis what is 3 + 3?');
    const aside = await bob.sendMessage('main', 'nothing for the agents');
    await bob.editMessage('main', aside.message.id, 'now for @jarvis after all');
    await bob.addReaction('main', question.message.id, '👍');
    await waitForQuiet(bob, space.agents);
    expect(callsBy(fake, 'jarvis')).toHaveLength(1);

    await bob.sendMessage('main', '@jarvis and now?');
    await waitForQuiet(bob, space.agents);
    const calls = callsBy(fake, 'jarvis');
    expect(calls).toHaveLength(2);
    const prompt = calls[1]?.messages.slice(1).map((message) => message.content);
    expect(prompt).toContain('bob (human): @jarvis what is 3 + 3?');
    expect(prompt).toContain('bob (human): now for @jarvis after all');
    expect(allText(calls[1])).not.toContain('2 + 2');
  });

  it('pages past edits and reactions to fill its history window with messages', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', shortMemory);
    const notes: number[] = [];
    for (const n of [1, 2, 3]) notes.push((await bob.sendMessage('main', `note ${n}`)).message.id);
    const [, second = 0, third = 0] = notes;
    await bob.editMessage('main', second, 'note 2, corrected');
    for (const emoji of ['👍', '🎉', '👀']) await bob.addReaction('main', third, emoji);
    await bob.removeReaction('main', third, '👍');
    await bob.sendMessage('main', '@jarvis how many notes?');
    await waitForQuiet(bob, space.agents);

    expect(callsBy(fake, 'jarvis')[0]?.messages.slice(1)).toEqual([
      { role: 'user', content: 'bob (human): note 2, corrected' },
      { role: 'user', content: 'bob (human): note 3' },
      { role: 'user', content: 'bob (human) [answer this]: @jarvis how many notes?' },
    ]);
  });

  it('never sends a deleted message’s text to the LLM again: neither the message nor a quote of it', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', shortMemory);
    const secret = await bob.sendMessage('main', 'the vault code is 7291');
    for (const n of [1, 2, 3, 4]) await bob.sendMessage('main', `filler ${n}`);
    await bob.sendMessage('main', '@jarvis remember this?', { replyTo: secret.message.id });
    await waitForQuiet(bob, space.agents);
    // Before the delete the original is quoted (read from the server, and kept).
    expect(allText(callsBy(fake, 'jarvis')[0])).toContain('7291');

    await bob.deleteMessage('main', secret.message.id);
    await bob.sendMessage('main', '@jarvis and now?', { replyTo: secret.message.id });
    await waitForQuiet(bob, space.agents);

    const after = callsBy(fake, 'jarvis')[1];
    expect(after?.messages.at(-1)).toEqual({
      role: 'user',
      content: 'bob (human) [answer this]: (in reply to a deleted message) @jarvis and now?',
    });
    expect(allText(after)).not.toContain('7291');
  });

  it('leaves a message deleted during its response delay out of the prompt', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', { overrides: { openingMessage: undefined, responseDelayMs: 600 } });
    const slip = await bob.sendMessage('main', 'oops, my token is tok-5519');
    await bob.sendMessage('main', '@jarvis please help');
    await bob.deleteMessage('main', slip.message.id);
    await waitForQuiet(bob, space.agents);

    const [call] = callsBy(fake, 'jarvis');
    expect(call?.messages.slice(1)).toEqual([
      { role: 'user', content: 'bob (human) [answer this]: @jarvis please help' },
    ]);
    expect(fake.calls.map(allText).join('\n')).not.toContain('tok-5519');
  });
});
