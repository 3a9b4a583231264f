import { useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('the opening message', () => {
  const space = useAgentSpace();

  it('is posted once per run, and not again after a restart when nobody spoke since', async () => {
    const { bob, tim } = space;
    const token = await tim.addAgent('jarvis');
    const stopAll = () => Promise.all(space.agents.splice(0).map((agent) => agent.stop()));
    await space.start('jarvis', { token });
    await stopAll();
    await space.start('jarvis', { token });
    await waitForQuiet(bob, space.agents);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['jarvis']);

    await bob.sendMessage('main', 'morning all');
    await waitForQuiet(bob, space.agents);
    await stopAll();
    await space.start('jarvis', { token });
    await waitForQuiet(bob, space.agents);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['jarvis', 'bob', 'jarvis']);
  });
});
