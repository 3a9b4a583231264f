import type { Message } from '@tim/protocol';
import { answerPerAgent, useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

/*
 * The bound with N agents (docs/agents.md, "What the limits do"). With maxAgentChain 2 an
 * agent answers another agent only while the run since the last human message, as it knows it,
 * is shorter than 2; its own acknowledged reply is part of that run, so once it has posted it
 * answers no agent before a human speaks again. Each agent posts at most once per human
 * message: with N agents, at most N agent messages follow it (not 2).
 */
describe('three agents and one human message', () => {
  const space = useAgentSpace();
  const quiet = { overrides: { openingMessage: undefined } };

  async function startThree(): Promise<void> {
    await Promise.all([
      space.start('jarvis', quiet),
      space.start('alice', quiet),
      space.start('jarvis', { overrides: { ...quiet.overrides, nick: 'robo', tokenEnv: 'TIM_AGENT_TOKEN_ROBO' } }),
    ]);
    // The worst case for loops: whatever they are asked, each addresses both others.
    space.fake.script(
      answerPerAgent({
        jarvis: '@alice @robo over to you.',
        alice: '@jarvis @robo on it, what next?',
        robo: '@jarvis @alice done, anything else?',
      }),
    );
  }

  async function agentMessagesAfter(asked: Message): Promise<string[]> {
    await waitForQuiet(space.bob, space.agents);
    return (await readMessages(space.bob))
      .filter((message) => message.id > asked.id)
      .map((message) => message.sender.nick)
      .sort();
  }

  it('that mentions all three gets 3 agent messages, one from each, then silence', async () => {
    await startThree();
    const { message } = await space.bob.sendMessage('main', '@jarvis @alice @robo plan the launch');
    expect(await agentMessagesAfter(message)).toEqual(['alice', 'jarvis', 'robo']);
    expect(space.fake.calls).toHaveLength(3);
  });

  it('that mentions one, who mentions the other two, gets at most one message from each', async () => {
    await startThree();
    const { message } = await space.bob.sendMessage('main', '@jarvis plan the launch');
    const followed = await agentMessagesAfter(message);
    expect(followed.length).toBeGreaterThanOrEqual(2);
    expect(followed.length).toBeLessThanOrEqual(3);
    expect(new Set(followed).size).toBe(followed.length);
    expect(followed).toContain('jarvis');
  });
});
