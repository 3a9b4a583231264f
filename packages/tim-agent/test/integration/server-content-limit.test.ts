import { answerPerAgent, useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('a server whose content limit is below the protocol default', () => {
  const space = useAgentSpace({ maxContentChars: 100 });

  it('gets replies cut to its limit instead of refusing them', async () => {
    const { bob, fake } = space;
    await space.start('jarvis', { overrides: { openingMessage: undefined } });
    fake.script(answerPerAgent({ jarvis: 'a long plan. '.repeat(30) }));

    await bob.sendMessage('main', '@jarvis what is the plan?');
    await waitForQuiet(bob, space.agents);

    const reply = (await readMessages(bob)).find((message) => message.sender.nick === 'jarvis');
    expect(reply?.content).toBe('a long plan. '.repeat(30).slice(0, 100).trim());
  });
});
