import { answerPerAgent, callsBy, useAgentSpace } from '../support/agents';
import type { FakeAnswer } from '../support/fake-openai';
import { readMessages, recordActivity, subscribed, waitForQuiet } from '../support/start-tim';

describe('tim-agent replying in a real space', () => {
  const space = useAgentSpace();
  const quiet = { overrides: { openingMessage: undefined } };

  it('gives a human message exactly one reply, from the addressed agent, between thinking and idle', async () => {
    const { bob, fake } = space;
    const live = bob.connect();
    const activity = recordActivity(live);
    live.subscribe('main');
    await subscribed(live);
    await Promise.all([space.start('jarvis', quiet), space.start('alice', quiet)]);
    fake.script(answerPerAgent({ alice: 'Sure, I will take the notes.', jarvis: 'Plan: none needed.' }));

    const asked = await bob.sendMessage('main', '@alice can you take the notes?');
    await waitForQuiet(bob, space.agents);

    const replies = (await readMessages(bob)).filter((message) => message.id !== asked.message.id);
    expect(replies.map((message) => [message.sender.nick, message.content])).toEqual([
      ['alice', 'Sure, I will take the notes.'],
    ]);
    expect(callsBy(fake, 'alice')).toHaveLength(1);
    expect(callsBy(fake, 'jarvis')).toHaveLength(0);

    // The prompt carried the history with nicks and kinds, and who is present.
    const prompt = callsBy(fake, 'alice')[0]?.messages ?? [];
    expect(prompt.at(-1)).toEqual({
      role: 'user',
      content: 'bob (human) [answer this]: @alice can you take the notes?',
    });
    expect(prompt[0]?.content).toContain('@bob (human)');

    const aliceActivity = activity.filter((event) => event.timite.nick === 'alice').map((event) => event.activity);
    expect(aliceActivity.slice(0, 2)).toEqual(['thinking', 'idle']);
    live.close();
  });

  it('answers a mentioning agent only while the agent chain is shorter than 2', async () => {
    const { bob, fake } = space;
    await Promise.all([space.start('jarvis', quiet), space.start('alice', quiet)]);
    // The worst case for loops: each agent always addresses the other.
    fake.script(answerPerAgent({ jarvis: '@alice please take step 1.', alice: '@jarvis on it!' }));

    await bob.sendMessage('main', '@jarvis plan the release with alice');
    await waitForQuiet(bob, space.agents);

    const messages = await readMessages(bob);
    expect(messages.map((message) => message.sender.nick)).toEqual(['bob', 'jarvis', 'alice']);
    expect(fake.calls).toHaveLength(2);
  });

  it('folds messages that arrive while it generates into one next turn', async () => {
    const { bob, fake } = space;
    const jarvis = await space.start('jarvis', quiet);
    let finishFirst: (answer: FakeAnswer) => void = () => undefined;
    const firstAnswer = new Promise<FakeAnswer>((resolve) => {
      finishFirst = resolve;
    });
    fake.script((_, index) =>
      index === 0 ? { kind: 'later', answer: firstAnswer } : { kind: 'text', content: 'Answering the rest.' },
    );

    await bob.sendMessage('main', '@jarvis first');
    await fake.waitForCalls(1);
    await bob.sendMessage('main', '@jarvis second');
    await bob.sendMessage('main', '@jarvis third');
    const fourth = await bob.sendMessage('main', '@jarvis fourth');
    await jarvis.whenJudged('main', fourth.updateId);
    finishFirst({ kind: 'text', content: 'Answering the first.' });
    await waitForQuiet(bob, space.agents);

    const jarvisSaid = (await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis');
    expect(jarvisSaid.map((message) => message.content)).toEqual(['Answering the first.', 'Answering the rest.']);
    expect(fake.calls).toHaveLength(2);
    const secondPrompt = fake.calls[1]?.messages.map((message) => message.content) ?? [];
    // The space's own order: the first answer was accepted after the three folded messages,
    // which this turn answers.
    expect(secondPrompt.slice(-5)).toEqual([
      'bob (human): @jarvis first',
      'bob (human) [answer this]: @jarvis second',
      'bob (human) [answer this]: @jarvis third',
      'bob (human) [answer this]: @jarvis fourth',
      'Answering the first.',
    ]);
  });
});
