import { once } from 'node:events';
import { useAgentSpace } from '../support/agents';
import { createGatedWebSocket, readMessages, waitForQuiet } from '../support/start-tim';

describe('tim-agent after a reconnect', () => {
  const space = useAgentSpace();

  it('reads the messages it missed as history and answers only new ones', async () => {
    const { bob, fake } = space;
    await bob.sendMessage('main', '@jarvis this was said before you joined');
    const gated = createGatedWebSocket();
    const jarvis = await space.start('jarvis', {
      overrides: { openingMessage: undefined },
      runner: { WebSocket: gated.WebSocket },
    });
    fake.script(() => ({ kind: 'text', content: 'Fresh answer.' }));

    // Drop the connection and hold every reconnect back while bob asks.
    gated.setOpen(false);
    const connection = gated.sockets[0];
    if (connection === undefined) throw new Error('the agent opened no socket');
    const dropped = once(connection, 'close');
    connection.terminate();
    await dropped;
    const missed = await bob.sendMessage('main', '@jarvis this was said while you were away');
    gated.setOpen(true);

    // The resumed subscription replays the missed update; the agent sees it and stays silent.
    await jarvis.whenJudged('main', missed.updateId);
    await waitForQuiet(bob, [jarvis]);
    expect(gated.sockets.length).toBeGreaterThan(1);
    expect(fake.calls).toHaveLength(0);
    expect((await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis')).toEqual([]);

    await bob.sendMessage('main', '@jarvis and this is new');
    await waitForQuiet(bob, [jarvis]);
    const replies = (await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis');
    expect(replies.map((message) => message.content)).toEqual(['Fresh answer.']);
    expect(fake.calls).toHaveLength(1);
  });
});
