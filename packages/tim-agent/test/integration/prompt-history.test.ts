import { callsBy, useAgentSpace } from '../support/agents';
import { waitForQuiet } from '../support/start-tim';

describe('the history an agent gives its model', () => {
  const space = useAgentSpace();

  it('is cut to the persona’s estimated token budget, newest kept, with the message it answers marked', async () => {
    const { bob, fake } = space;
    // 30 tokens ≈ 120 characters: one filler line (72 characters) and the question (41) fit, two fillers do not.
    await space.start('jarvis', { overrides: { openingMessage: undefined, historyTokens: 30 } });
    for (const n of [1, 2, 3, 4, 5]) await bob.sendMessage('main', `filler ${n} ${'x'.repeat(50)}`);
    await bob.sendMessage('main', '@jarvis sum up');
    await waitForQuiet(bob, space.agents);

    const [call] = callsBy(fake, 'jarvis');
    expect(call?.messages.slice(1)).toEqual([
      { role: 'user', content: `bob (human): filler 5 ${'x'.repeat(50)}` },
      { role: 'user', content: 'bob (human) [answer this]: @jarvis sum up' },
    ]);
  });
});
