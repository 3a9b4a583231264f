import type { TimClient } from '@tim/protocol';
import type { AgentRunner } from '../../src/runner';
import { startTestAgent, testPersona } from '../support/agents';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { createRecordingLogger, readMessages, startTim, waitForQuiet, type TestTim } from '../support/start-tim';

describe('tim-agent limits', () => {
  let tim: TestTim;
  let fake: FakeOpenAi;
  let bob: TimClient;
  const agents: AgentRunner[] = [];

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await fake.close();
    await tim.close();
  });

  async function start(options: { maxAgentStreak?: number } = {}): Promise<void> {
    tim = await startTim(options.maxAgentStreak === undefined ? {} : { maxAgentStreak: options.maxAgentStreak });
    fake = await startFakeOpenAi();
    bob = await tim.addHuman('bob');
  }

  it('stops calling the LLM once the daily token budget is used, and logs it once', async () => {
    await start();
    const recording = createRecordingLogger();
    const persona = await testPersona('jarvis', {
      openingMessage: undefined,
      limits: { repliesPerMinute: 10, dailyTokenBudget: 40 },
    });
    const jarvis = await startTestAgent({ tim, fake, persona, logger: recording.logger });
    agents.push(jarvis);
    await jarvis.whenSettled('main', 0);
    // Each answer reports 50 tokens: the first call is under the budget of 40, then it is spent.
    fake.script(() => ({ kind: 'text', content: 'Expensive answer.', totalTokens: 50 }));

    for (const ask of ['one', 'two', 'three']) {
      await bob.sendMessage('main', `@jarvis ${ask}`);
      await waitForQuiet(bob, agents);
    }

    expect(fake.calls).toHaveLength(1);
    expect(jarvis.tokensUsedToday()).toBe(50);
    expect((await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis')).toHaveLength(1);
    const limitLogs = recording.entries.filter((entry) => entry.message === 'limit reached: staying silent until it lifts');
    expect(limitLogs).toEqual([expect.objectContaining({ level: 'warn', reason: 'token_budget' })]);
  });

  it('stops at the replies-per-minute limit before calling the LLM', async () => {
    await start();
    const persona = await testPersona('jarvis', {
      openingMessage: undefined,
      limits: { repliesPerMinute: 2, dailyTokenBudget: 100_000 },
    });
    const jarvis = await startTestAgent({ tim, fake, persona });
    agents.push(jarvis);
    await jarvis.whenSettled('main', 0);

    for (const ask of ['one', 'two', 'three', 'four']) {
      await bob.sendMessage('main', `@jarvis ${ask}`);
      await waitForQuiet(bob, agents);
    }
    expect(fake.calls).toHaveLength(2);
  });

  it("backs off after the server's agent_turn_limit and answers the next human", async () => {
    // The server refuses a second agent message in a row.
    await start({ maxAgentStreak: 1 });
    const recording = createRecordingLogger();
    const alice = await startTestAgent({ tim, fake, persona: await testPersona('alice', { openingMessage: undefined }) });
    const jarvis = await startTestAgent({
      tim,
      fake,
      logger: recording.logger,
      persona: await testPersona('jarvis', { openingMessage: undefined }),
    });
    agents.push(alice, jarvis);
    await Promise.all(agents.map((agent) => agent.whenSettled('main', 0)));
    fake.script(() => ({ kind: 'text', content: '@jarvis handing this to you.' }));

    // alice answers bob and addresses jarvis; jarvis may answer (chain 1 < 2), the server refuses.
    await bob.sendMessage('main', '@alice start the notes');
    await waitForQuiet(bob, agents);
    expect(fake.calls).toHaveLength(2);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'alice']);
    expect(recording.entries).toContainEqual(
      expect.objectContaining({ message: 'turn skipped: the server refused the reply; backing off', code: 'agent_turn_limit' }),
    );

    // A human lifts the backoff, as on the server.
    fake.script(() => ({ kind: 'text', content: 'Here now.' }));
    await bob.sendMessage('main', '@jarvis are you still there?');
    await waitForQuiet(bob, agents);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'alice', 'bob', 'jarvis']);
  });
});
