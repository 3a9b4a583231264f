import type { TimClient } from '@tim/protocol';
import { spawnAgentProcess, type AgentProcess } from '../support/agent-process';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { streamEnd, streamTextFrom, watchSpace } from '../support/space-watch';
import { readMessages, startTim, type TestTim } from '../support/start-tim';

const SHUTDOWN_BOUND_MS = 2000;

describe('the tim-agent process', () => {
  let tim: TestTim;
  let fake: FakeOpenAi;
  let bob: TimClient;
  let agent: AgentProcess | undefined;

  beforeEach(async () => {
    tim = await startTim();
    fake = await startFakeOpenAi();
    bob = await tim.addHuman('bob');
  });

  afterEach(async () => {
    await agent?.close();
    agent = undefined;
    await fake.close();
    await tim.close();
  });

  /** Runs persona "robo" (no response delay) and resolves once it posted its opening, i.e. joined `main`. */
  async function startRobo(llm: Record<string, unknown>): Promise<AgentProcess> {
    const persona = {
      nick: 'robo',
      tokenEnv: 'TIM_AGENT_TOKEN_ROBO',
      systemPrompt: 'You are a test agent.',
      llm: { model: 'fake-model', timeoutMs: 5000, ...llm },
      responseDelayMs: 0,
      openingMessage: { content: 'Hello.' },
    };
    const env = {
      OPENAI_BASE_URL: fake.baseUrl,
      TIM_URL: tim.baseUrl,
      TIM_AGENT_TOKEN_ROBO: await tim.addAgent('robo'),
    };
    agent = await spawnAgentProcess(persona, env);
    await agent.waitForLog('opening message posted', (entry) => entry.message === 'opening message posted');
    return agent;
  }

  async function stopWithSigterm(process: AgentProcess): Promise<{ code: number | null; elapsedMs: number }> {
    const startedMs = Date.now();
    const { code } = await process.stop();
    return { code, elapsedMs: Date.now() - startedMs };
  }

  it(`exits 0 within ${SHUTDOWN_BOUND_MS} ms of SIGTERM while it waits out an LLM's Retry-After: 90`, async () => {
    fake.script(() => ({ kind: 'status', status: 429, retryAfterSeconds: 90 }));
    const robo = await startRobo({ maxRetries: 2 });
    await bob.sendMessage('main', '@robo are you there?');
    await fake.waitForAnswers(1);

    const { code, elapsedMs } = await stopWithSigterm(robo);
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(SHUTDOWN_BOUND_MS);
    expect(fake.calls).toHaveLength(1);
  });

  it(`exits 0 within ${SHUTDOWN_BOUND_MS} ms of SIGTERM while it streams a reply, and withdraws the reply`, async () => {
    const bobSees = await watchSpace(bob);
    try {
      // About 10 s of reply: it is still streaming when the signal comes.
      const chunks = Array.from({ length: 200 }, (_, index) => `word${index} `);
      fake.script(() => ({ kind: 'stream', chunks, intervalMs: 50 }));
      const robo = await startRobo({ maxRetries: 0 });
      await bob.sendMessage('main', '@robo tell me everything');
      const growing = await bobSees.waitFor('robo writing', streamTextFrom('robo'));

      const { code, elapsedMs } = await stopWithSigterm(robo);
      expect(code).toBe(0);
      expect(elapsedMs).toBeLessThan(SHUTDOWN_BOUND_MS);
      await fake.waitForClosedByClient(0);
      // Withdrawn before the connection closed: an unfinished reply is not stored.
      expect(await bobSees.waitFor('the end of the stream', streamEnd(growing.streamId))).toMatchObject({
        reason: 'aborted',
      });
      expect((await readMessages(bob)).map((message) => message.sender.nick)).toEqual(['robo', 'bob']);
    } finally {
      bobSees.close();
    }
  });

  it('writes only JSON lines to stderr however many LLM requests it makes', async () => {
    // Six attempts per turn, two turns: more requests than Node's default of 10 listeners.
    fake.script(() => ({ kind: 'status', status: 500, retryAfterMs: 1 }));
    const robo = await startRobo({ maxRetries: 5 });
    for (const turn of [1, 2]) {
      await bob.sendMessage('main', `@robo attempt ${turn}`);
      await robo.waitForLog('turn skipped', (entry) => entry.message === 'turn skipped: the LLM gave no reply', {
        count: turn,
      });
    }

    expect((await stopWithSigterm(robo)).code).toBe(0);
    const lines = robo
      .output('stderr')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const notJson = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    expect(fake.calls).toHaveLength(12);
  });
});
