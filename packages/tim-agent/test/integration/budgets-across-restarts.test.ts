import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useAgentSpace, type TestAgent } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('budgets across a restart of the agent', () => {
  const space = useAgentSpace();
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-agent-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Starts jarvis with `limits`, keeping its budgets in the test's state file; the same token each time. */
  async function startJarvis(limits: { repliesPerMinute: number; dailyTokenBudget: number }, token: string) {
    return space.start('jarvis', {
      token,
      overrides: { openingMessage: undefined, limits },
      runner: { stateFile: join(dir, 'jarvis.json') },
    });
  }

  async function restart(agent: TestAgent): Promise<void> {
    space.agents.splice(space.agents.indexOf(agent), 1);
    await agent.stop();
  }

  /** Asks jarvis, waits until it handled the question, and says whether it called the LLM. */
  async function ask(agent: TestAgent, text: string): Promise<void> {
    const asked = await space.bob.sendMessage('main', `@jarvis ${text}`);
    await agent.whenJudged('main', asked.updateId);
    await waitForQuiet(space.bob, space.agents);
  }

  it('keeps the tokens spent today', async () => {
    const { fake, tim } = space;
    const token = await tim.addAgent('jarvis');
    const limits = { repliesPerMinute: 10, dailyTokenBudget: 40 };
    fake.script(() => ({ kind: 'text', content: 'Expensive answer.', totalTokens: 50 }));
    const first = await startJarvis(limits, token);
    await ask(first, 'one');
    expect(fake.calls).toHaveLength(1);
    await restart(first);
    expect(JSON.parse(await readFile(join(dir, 'jarvis.json'), 'utf8'))).toMatchObject({ tokens: { tokens: 50 } });

    const second = await startJarvis(limits, token);
    await ask(second, 'two');
    expect(fake.calls).toHaveLength(1);
    expect(second.logs.entries).toContainEqual(
      expect.objectContaining({ message: 'limit reached: staying silent until it lifts', reason: 'token_budget' }),
    );
    expect((await readMessages(space.bob)).map((message) => message.sender.nick)).toEqual(['bob', 'jarvis', 'bob']);
  });

  it('keeps the turns of the last minute', async () => {
    const { fake, tim } = space;
    const token = await tim.addAgent('jarvis');
    const limits = { repliesPerMinute: 1, dailyTokenBudget: 100_000 };
    const first = await startJarvis(limits, token);
    await ask(first, 'one');
    await restart(first);

    const second = await startJarvis(limits, token);
    await ask(second, 'two');
    expect(fake.calls).toHaveLength(1);
    expect(second.logs.entries).toContainEqual(
      expect.objectContaining({ message: 'limit reached: staying silent until it lifts', reason: 'reply_rate_limit' }),
    );
  });
});
