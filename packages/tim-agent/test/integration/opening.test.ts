import { useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('the opening message', () => {
  // Room for a long history posted quickly.
  const space = useAgentSpace({ rateMessages: { points: 1000, durationSeconds: 10 } });

  async function restartJarvis(token: string): Promise<void> {
    await Promise.all(space.agents.splice(0).map((agent) => agent.stop()));
    await space.start('jarvis', { token });
    await waitForQuiet(space.bob, space.agents);
  }

  it('is posted once per space, ever: not again after restarts, whoever spoke since', async () => {
    const { bob, tim } = space;
    const token = await tim.addAgent('jarvis');
    await space.start('jarvis', { token });
    await restartJarvis(token);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['jarvis']);

    await bob.sendMessage('main', 'morning all');
    await waitForQuiet(bob, space.agents);
    await restartJarvis(token);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['jarvis', 'bob']);
  });

  it('is not posted again when the earlier one is further back than the history read at start', async () => {
    const { bob, tim } = space;
    const token = await tim.addAgent('jarvis');
    await space.start('jarvis', { token });
    for (let n = 0; n < 150; n += 1) await bob.sendMessage('main', `line ${n}`);
    await waitForQuiet(bob, space.agents);
    await restartJarvis(token);
    const messages = await readMessages(bob);
    expect(messages).toHaveLength(151);
    expect(messages.filter((message) => message.sender.nick === 'jarvis')).toHaveLength(1);
  });
});
