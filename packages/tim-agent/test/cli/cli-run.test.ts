import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { createLogRecorder } from '../support/log-recorder';
import { readMessages, startTim, type TestTim } from '../support/start-tim';

describe('tim-agent run', () => {
  let tim: TestTim;
  let fake: FakeOpenAi;

  beforeEach(async () => {
    tim = await startTim();
    fake = await startFakeOpenAi();
  });

  afterEach(async () => {
    await fake.close();
    await tim.close();
  });

  it('runs the shipped jarvis and alice with their own tokens until asked to stop, then exits 0', async () => {
    const bob = await tim.addHuman('bob');
    const stateDir = await mkdtemp(join(tmpdir(), 'tim-agent-cli-state-'));
    const logs = createLogRecorder();
    let requestStop: () => void = () => undefined;
    const exitCode = runCli(
      ['run', 'jarvis', 'alice'],
      {
        OPENAI_BASE_URL: fake.baseUrl,
        TIM_URL: tim.baseUrl,
        TIM_AGENT_TOKEN_JARVIS: await tim.addAgent('jarvis'),
        TIM_AGENT_TOKEN_ALICE: await tim.addAgent('alice'),
        TIM_AGENT_MODEL: 'local-model',
        TIM_AGENT_STATE_DIR: stateDir,
      },
      {
        stdout: () => undefined,
        stderr: () => undefined,
        logger: logs.logger,
        onStopRequest: (stop) => {
          requestStop = stop;
        },
      },
    );

    // Both openings arrive (each persona's responseDelayMs does not apply to openings).
    const live = bob.connect();
    const openings = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`openings seen: ${[...openings].join(', ')}`)), 10_000);
      live.on('update', (update) => {
        if (update.event.type === 'message') openings.add(update.event.message.sender.nick);
        if (openings.size < 2) return;
        clearTimeout(timer);
        resolve();
      });
      live.subscribe('main', { after: 0 });
    });
    live.close();
    expect((await readMessages(bob)).map((message) => message.sender.nick).sort()).toEqual(['alice', 'jarvis']);

    await bob.sendMessage('main', '@jarvis hello');
    await logs.waitFor('jarvis replied', (entry) => entry.message === 'replied' && entry.agent === 'jarvis');

    requestStop();
    expect(await exitCode).toBe(0);
    expect(fake.calls.map((call) => call.model)).toEqual(['local-model']);
    // The budget spent lives on in TIM_AGENT_STATE_DIR, one file per persona.
    const saved = JSON.parse(await readFile(join(stateDir, 'jarvis.json'), 'utf8')) as unknown;
    expect(saved).toMatchObject({ version: 1, tokens: { tokens: 10 } });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('exits 1 when the server refuses every agent token', async () => {
    const { logger, entries } = createLogRecorder();
    const exitCode = await runCli(
      ['run', 'jarvis'],
      { OPENAI_API_KEY: 'k', TIM_URL: tim.baseUrl, TIM_AGENT_TOKEN_JARVIS: 'not-a-token' },
      { stdout: () => undefined, stderr: () => undefined, onStopRequest: () => undefined, logger },
    );
    expect(exitCode).toBe(1);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        agent: 'jarvis',
        message: 'connection closed for good; is the agent token valid?',
      }),
    );
    expect(JSON.stringify(entries)).not.toContain('not-a-token');
  });
});
