import { useAgentSpace } from '../support/agents';
import { createWebSocketWithoutStreams, readMessages, waitForQuiet } from '../support/start-tim';

const quiet = { openingMessage: undefined };

describe('tim-agent limits', () => {
  const space = useAgentSpace();

  it('stops calling the LLM once the daily token budget is used, and logs it once', async () => {
    const { bob, fake } = space;
    const jarvis = await space.start('jarvis', {
      overrides: { ...quiet, limits: { repliesPerMinute: 10, dailyTokenBudget: 40 } },
    });
    // Each answer reports 50 tokens: the first call is under the budget of 40, then it is spent.
    fake.script(() => ({ kind: 'text', content: 'Expensive answer.', totalTokens: 50 }));

    for (const ask of ['one', 'two', 'three']) {
      await bob.sendMessage('main', `@jarvis ${ask}`);
      await waitForQuiet(bob, space.agents);
    }

    expect(fake.calls).toHaveLength(1);
    const replied = jarvis.logs.entries.filter((entry) => entry.message === 'replied');
    expect(replied).toEqual([expect.objectContaining({ tokensUsedToday: 50 })]);
    expect((await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis')).toHaveLength(1);
    const limitLogs = jarvis.logs.entries.filter(
      (entry) => entry.message === 'limit reached: staying silent until it lifts',
    );
    expect(limitLogs).toEqual([expect.objectContaining({ level: 'warn', reason: 'token_budget' })]);
  });

  it('stops at the replies-per-minute limit before calling the LLM', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', {
      overrides: { ...quiet, limits: { repliesPerMinute: 2, dailyTokenBudget: 100_000 } },
    });

    for (const ask of ['one', 'two', 'three', 'four']) {
      await bob.sendMessage('main', `@jarvis ${ask}`);
      await waitForQuiet(bob, space.agents);
    }
    expect(fake.calls).toHaveLength(2);
  });
});

describe("tim-agent and the server's agent_turn_limit", () => {
  // The server refuses a second agent message in a row.
  const space = useAgentSpace({ maxAgentStreak: 1 });

  it('backs off after a refusal and answers the next human', async () => {
    const { bob, fake } = space;
    await space.start('alice', { overrides: quiet });
    const jarvis = await space.start('jarvis', { overrides: quiet });
    fake.script(() => ({ kind: 'text', content: '@jarvis handing this to you.' }));

    // alice answers bob and addresses jarvis; jarvis may answer (chain 1 < 2), the server refuses.
    await bob.sendMessage('main', '@alice start the notes');
    await waitForQuiet(bob, space.agents);
    expect(fake.calls).toHaveLength(2);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'alice']);
    expect(jarvis.logs.entries).toContainEqual(
      expect.objectContaining({
        message: 'turn skipped: the server refused the reply; backing off',
        code: 'agent_turn_limit',
      }),
    );

    // A human lifts the backoff, as on the server.
    fake.script(() => ({ kind: 'text', content: 'Here now.' }));
    await bob.sendMessage('main', '@jarvis are you still there?');
    await waitForQuiet(bob, space.agents);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'alice', 'bob', 'jarvis']);
  });
});

describe("tim-agent and the server's rate_limited", () => {
  // Two messages per timite per minute: jarvis's opening and first reply spend its quota.
  const space = useAgentSpace({ rateMessages: { points: 2, durationSeconds: 60 } });

  it('honours Retry-After: no LLM call until it passed, logged once', async () => {
    const { bob, fake } = space;
    const carol = await space.tim.addHuman('carol');
    // TIM_RATE_MESSAGES limits posted messages; a streamed one is limited by its appends. So
    // the replies are posted whole, as against a server from before streams.
    const jarvis = await space.start('jarvis', { runner: { WebSocket: createWebSocketWithoutStreams().WebSocket } });
    fake.script(() => ({ kind: 'text', content: 'On it.' }));

    await bob.sendMessage('main', '@jarvis one');
    await waitForQuiet(bob, space.agents);
    await bob.sendMessage('main', '@jarvis two');
    await waitForQuiet(bob, space.agents);
    await carol.sendMessage('main', '@jarvis three');
    await waitForQuiet(bob, space.agents);

    // The second reply was refused; the third message came during the backoff: no call.
    expect(fake.calls).toHaveLength(2);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual([
      'jarvis',
      'bob',
      'jarvis',
      'bob',
      'carol',
    ]);
    const refusal = jarvis.logs.entries.find(
      (entry) => entry.message === 'turn skipped: the server refused the reply; backing off',
    );
    expect(refusal).toMatchObject({ code: 'rate_limited' });
    expect(refusal?.seconds).toBeGreaterThan(0);
    expect(refusal?.seconds).toBeLessThanOrEqual(60);
    const limitLogs = jarvis.logs.entries.filter(
      (entry) => entry.message === 'limit reached: staying silent until it lifts',
    );
    expect(limitLogs).toEqual([expect.objectContaining({ reason: 'server_backoff' })]);
  });
});
