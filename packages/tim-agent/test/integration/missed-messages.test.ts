import { markedTriggers, useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('messages an agent missed while it was not running', () => {
  // The server's clock, moved back to post a message older than the agent's window.
  let serverOffsetMs = 0;
  const space = useAgentSpace({}, { now: () => new Date(Date.now() + serverOffsetMs) });
  afterEach(() => {
    serverOffsetMs = 0;
  });

  it('are answered once after a start when recent, and not when older than the window', async () => {
    const { bob, fake, tim } = space;
    const token = await tim.addAgent('jarvis');
    serverOffsetMs = -11 * 60_000;
    await bob.sendMessage('main', '@jarvis an old question');
    serverOffsetMs = 0;
    await bob.sendMessage('main', '@jarvis a recent question');
    await bob.sendMessage('main', 'and something not for jarvis');
    fake.script(() => ({ kind: 'text', content: 'Answering the recent one.' }));

    const first = await space.start('jarvis', { token, overrides: { openingMessage: undefined } });
    await waitForQuiet(bob, space.agents);
    expect(fake.calls).toHaveLength(1);
    expect(markedTriggers(fake.calls[0])).toEqual(['bob (human) [answer this]: @jarvis a recent question']);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'bob', 'bob', 'jarvis']);

    // Started again: its reply is in the timeline after the question, so it is answered.
    space.agents.splice(space.agents.indexOf(first), 1);
    await first.stop();
    await space.start('jarvis', { token, overrides: { openingMessage: undefined } });
    await bob.sendMessage('main', '@jarvis anything new?');
    await waitForQuiet(bob, space.agents);
    expect(fake.calls).toHaveLength(2);
    expect(markedTriggers(fake.calls[1])).toEqual(['bob (human) [answer this]: @jarvis anything new?']);
  });

  it('are not answered when the window is 0', async () => {
    const { bob, fake } = space;
    await bob.sendMessage('main', '@jarvis a recent question');
    await space.start('jarvis', {
      overrides: {
        openingMessage: undefined,
        replyPolicy: { humans: 'mentions', maxAgentChain: 2, catchUpWindowMs: 0 },
      },
    });
    await bob.sendMessage('main', '@jarvis and now?');
    await waitForQuiet(bob, space.agents);
    expect(fake.calls).toHaveLength(1);
    expect(markedTriggers(fake.calls[0])).toEqual(['bob (human) [answer this]: @jarvis and now?']);
  });
});
