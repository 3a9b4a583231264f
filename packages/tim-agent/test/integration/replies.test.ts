import type { TimClient } from '@tim/protocol';
import type { AgentRunner } from '../../src/runner';
import { answerPerAgent, callsBy, startTestAgent, testPersona } from '../support/agents';
import { startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../support/fake-openai';
import { readMessages, recordActivity, startTim, subscribed, waitForQuiet, type TestTim } from '../support/start-tim';

describe('tim-agent replying in a real space', () => {
  let tim: TestTim;
  let fake: FakeOpenAi;
  let bob: TimClient;
  const runners: AgentRunner[] = [];

  beforeEach(async () => {
    tim = await startTim();
    fake = await startFakeOpenAi();
    bob = await tim.addHuman('bob');
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await fake.close();
    await tim.close();
  });

  async function startAgents(...names: string[]): Promise<AgentRunner[]> {
    const started = await Promise.all(
      names.map(async (name) => startTestAgent({ tim, fake, persona: await testPersona(name, { openingMessage: undefined }) })),
    );
    runners.push(...started);
    // Joined: an agent answers only what the space accepts after it subscribed.
    await Promise.all(started.map((runner) => runner.whenSettled('main', 0)));
    return started;
  }

  it('gives a human message exactly one reply, from the addressed agent, between thinking and idle', async () => {
    const live = bob.connect();
    const activity = recordActivity(live);
    live.subscribe('main');
    await subscribed(live);
    const agents = await startAgents('jarvis', 'alice');
    fake.script(answerPerAgent({ alice: 'Sure, I will take the notes.', jarvis: 'Plan: none needed.' }));

    const asked = await bob.sendMessage('main', '@alice can you take the notes?');
    await waitForQuiet(bob, agents);

    const replies = (await readMessages(bob)).filter((message) => message.id !== asked.message.id);
    expect(replies.map((message) => [message.sender.nick, message.content])).toEqual([['alice', 'Sure, I will take the notes.']]);
    expect(callsBy(fake, 'alice')).toHaveLength(1);
    expect(callsBy(fake, 'jarvis')).toHaveLength(0);

    // The prompt carried the history with nicks and kinds, and who is present.
    const prompt = callsBy(fake, 'alice')[0]?.messages ?? [];
    expect(prompt.at(-1)).toEqual({ role: 'user', content: 'bob (human): @alice can you take the notes?' });
    expect(prompt[0]?.content).toContain('@bob (human)');

    const aliceActivity = activity.filter((event) => event.timite.nick === 'alice').map((event) => event.activity);
    expect(aliceActivity.slice(0, 2)).toEqual(['thinking', 'idle']);
    live.close();
  });

  it('answers a mentioning agent only while the agent chain is shorter than 2', async () => {
    const agents = await startAgents('jarvis', 'alice');
    // The worst case for loops: each agent always addresses the other.
    fake.script(answerPerAgent({ jarvis: '@alice please take step 1.', alice: '@jarvis on it!' }));

    await bob.sendMessage('main', '@jarvis plan the release with alice');
    await waitForQuiet(bob, agents);

    const messages = await readMessages(bob);
    expect(messages.map((message) => message.sender.nick)).toEqual(['bob', 'jarvis', 'alice']);
    expect(fake.calls).toHaveLength(2);
  });

  it('folds messages that arrive while it generates into one next turn', async () => {
    const agents = await startAgents('jarvis');
    let finishFirst: (answer: FakeAnswer) => void = () => undefined;
    const firstAnswer = new Promise<FakeAnswer>((resolve) => {
      finishFirst = resolve;
    });
    fake.script((_, index) => (index === 0 ? { kind: 'later', answer: firstAnswer } : { kind: 'text', content: 'Answering the rest.' }));

    await bob.sendMessage('main', '@jarvis first');
    await fake.waitForCalls(1);
    await bob.sendMessage('main', '@jarvis second');
    await bob.sendMessage('main', '@jarvis third');
    const fourth = await bob.sendMessage('main', '@jarvis fourth');
    await agents[0]?.whenSeen('main', fourth.updateId);
    finishFirst({ kind: 'text', content: 'Answering the first.' });
    await waitForQuiet(bob, agents);

    const jarvisSaid = (await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis');
    expect(jarvisSaid.map((message) => message.content)).toEqual(['Answering the first.', 'Answering the rest.']);
    expect(fake.calls).toHaveLength(2);
    const secondPrompt = fake.calls[1]?.messages.map((message) => message.content) ?? [];
    // The space's own order: the first answer was accepted after the three folded messages.
    expect(secondPrompt.slice(-4)).toEqual([
      'bob (human): @jarvis second',
      'bob (human): @jarvis third',
      'bob (human): @jarvis fourth',
      'Answering the first.',
    ]);
  });
});
