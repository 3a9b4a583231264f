import { useAgentSpace } from '../support/agents';
import type { LogEntry } from '../support/log-recorder';
import { createGatedWebSocket, readMessages, waitForQuiet } from '../support/start-tim';

const titled = (message: string) => (entry: LogEntry) => entry.message === message;

describe('problems that last', () => {
  const space = useAgentSpace();
  const warningBackoff = { firstMs: 20, maxMs: 1000 };

  it('an unknown space is warned about and asked for again, with backoff, until it exists', async () => {
    const { bob, fake } = space;
    const jarvis = await space.start('jarvis', {
      overrides: { openingMessage: undefined, spaces: ['main', 'lab'] },
      runner: { warningBackoff },
    });
    const warnings = await jarvis.logs.waitForCount('refusal warnings', titled('space not joined; retrying'), 3);
    expect(warnings.slice(0, 3)).toEqual(
      [20, 40, 80].map((retryInMs, index) =>
        expect.objectContaining({ level: 'warn', spaceId: 'lab', code: 'not_found', refusals: index + 1, retryInMs }),
      ),
    );

    await bob.createSpace({ id: 'lab', name: 'Lab' });
    await jarvis.logs.waitFor('lab joined', titled('space joined after refusals'));
    fake.script(() => ({ kind: 'text', content: 'In the lab now.' }));
    await bob.sendMessage('lab', '@jarvis are you here?');
    await waitForQuiet(bob, [jarvis], 'lab');
    expect((await readMessages(bob, 'lab')).map((message) => message.sender.nick)).toEqual(['bob', 'jarvis']);
  });

  it('a private space the agent is not a member of is a clear error; it keeps its other spaces, joins once invited and hears when removed', async () => {
    const { bob, fake } = space;
    await bob.createSpace({ id: 'vault', name: 'Vault', visibility: 'private' });
    const jarvis = await space.start('jarvis', {
      overrides: { openingMessage: undefined, spaces: ['main', 'vault'] },
      runner: { warningBackoff },
    });
    const refused = await jarvis.logs.waitFor(
      'the error',
      titled('space not accessible: it does not exist, or it is private and the agent is not a member'),
    );
    expect(refused).toMatchObject({ level: 'error', spaceId: 'vault', code: 'not_found' });
    expect(refused.hint).toContain('invite the agent');

    fake.script(() => ({ kind: 'text', content: 'Still here in main.' }));
    await bob.sendMessage('main', '@jarvis are you here?');
    await waitForQuiet(bob, [jarvis], 'main');
    expect((await readMessages(bob, 'main')).map((message) => message.sender.nick)).toEqual(['bob', 'jarvis']);

    await bob.addMember('vault', 'jarvis');
    await jarvis.logs.waitFor('vault joined', titled('space joined after refusals'));
    const jarvisId = (await bob.listMembers('vault')).find((member) => member.timite.nick === 'jarvis')?.timite.id;
    await bob.removeMember('vault', jarvisId ?? 0);
    const removed = await jarvis.logs.waitForCount(
      'removed',
      titled('space not accessible: it does not exist, or it is private and the agent is not a member'),
      2,
    );
    expect(removed[1]).toMatchObject({ level: 'error', spaceId: 'vault', code: 'removed' });
  });

  it('an unreachable server is warned about with backoff until it is reachable again', async () => {
    const { bob, fake } = space;
    const gated = createGatedWebSocket();
    const jarvis = await space.start('jarvis', {
      overrides: { openingMessage: undefined },
      runner: { WebSocket: gated.WebSocket, warningBackoff },
    });
    await gated.cutOff();

    const warnings = await jarvis.logs.waitForCount('outage warnings', titled('server not reachable; retrying'), 4);
    // Each warning waits twice as long as the one before, however often the client retries.
    const downForMs = warnings.map((entry) => Number(entry.downForMs));
    for (const [index, gap] of [20, 40, 80].entries()) {
      expect(downForMs[index + 1]! - downForMs[index]!).toBeGreaterThanOrEqual(gap);
    }

    gated.setOpen(true);
    await jarvis.logs.waitFor('reachable again', titled('server reachable again'));
    fake.script(() => ({ kind: 'text', content: 'Back.' }));
    await bob.sendMessage('main', '@jarvis back?');
    await waitForQuiet(bob, [jarvis]);
    expect(fake.calls).toHaveLength(1);
  });
});
