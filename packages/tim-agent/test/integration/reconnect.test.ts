import { markedTriggers, useAgentSpace, type TestAgent } from '../support/agents';
import { createGatedWebSocket, readMessages, waitForQuiet } from '../support/start-tim';

describe('tim-agent after a reconnect', () => {
  const space = useAgentSpace();

  it('answers once what it would have answered while reconnecting, and new messages as before', async () => {
    const { bob, fake } = space;
    const gated = createGatedWebSocket();
    const jarvis = await space.start('jarvis', {
      overrides: { openingMessage: undefined },
      runner: { WebSocket: gated.WebSocket },
    });
    fake.script(() => ({ kind: 'text', content: 'Answer.' }));

    /** Drops the connection, runs `whileAway` while every reconnect is held back, then lets it resume. */
    async function dropConnection(whileAway: () => Promise<void>): Promise<void> {
      await gated.cutOff();
      await whileAway();
      gated.setOpen(true);
    }

    await dropConnection(async () => {
      await bob.sendMessage('main', 'nothing for jarvis here');
      await bob.sendMessage('main', '@jarvis this was said while you were away');
    });
    await waitForQuiet(bob, [jarvis]);
    expect(fake.calls).toHaveLength(1);
    expect(markedTriggers(fake.calls[0])).toEqual([
      'bob (human) [answer this]: @jarvis this was said while you were away',
    ]);
    expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['bob', 'bob', 'jarvis']);

    // Dropped again with nothing new: what was answered is not answered again.
    await dropConnection(() => Promise.resolve());
    await whenOpened(jarvis, 3);
    await bob.sendMessage('main', '@jarvis and this is new');
    await waitForQuiet(bob, [jarvis]);
    expect(fake.calls).toHaveLength(2);
    expect(markedTriggers(fake.calls[1])).toEqual(['bob (human) [answer this]: @jarvis and this is new']);
  });
});

/** Resolves once the agent's connection has become open `count` times. */
async function whenOpened(agent: TestAgent, count: number): Promise<void> {
  const isOpened = (entry: Record<string, unknown>) => entry.message === 'connection state' && entry.next === 'open';
  await agent.logs.waitForCount('connection opened', isOpened, count);
}
