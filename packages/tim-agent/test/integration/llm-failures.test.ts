import type { TimClient } from '@tim/protocol';
import type { AgentRunner } from '../../src/runner';
import { startTestAgent, testPersona } from '../support/agents';
import { startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../support/fake-openai';
import { createRecordingLogger, readMessages, startTim, waitForQuiet, type TestTim } from '../support/start-tim';

describe('tim-agent when the LLM fails', () => {
  let tim: TestTim;
  let fake: FakeOpenAi;
  let bob: TimClient;
  let jarvis: AgentRunner;
  let entries: Record<string, unknown>[];

  beforeEach(async () => {
    tim = await startTim();
    fake = await startFakeOpenAi();
    bob = await tim.addHuman('bob');
    const recording = createRecordingLogger();
    entries = recording.entries;
    const persona = await testPersona('jarvis', { openingMessage: undefined });
    jarvis = await startTestAgent({
      tim,
      fake,
      logger: recording.logger,
      // One retry, a short timeout: every failure below ends within a second.
      persona: { ...persona, llm: { ...persona.llm, timeoutMs: 300, maxRetries: 1 } },
    });
    await jarvis.whenSettled('main', 0);
  });

  afterEach(async () => {
    await jarvis.stop();
    await fake.close();
    await tim.close();
  });

  const failures: [string, FakeAnswer, number, string][] = [
    ['500s', { kind: 'status', status: 500, retryAfterMs: 5 }, 2, 'server_error'],
    ['timeouts', { kind: 'hang' }, 2, 'timeout'],
    ['a non-JSON body', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices": [tr' }, 1, 'invalid_response'],
    ['JSON that is no chat completion', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"hello":1}' }, 1, 'invalid_response'],
    ['an empty reply', { kind: 'text', content: '  ' }, 1, 'empty_response'],
  ];

  it.each(failures)('posts nothing on %s, logs the failure and answers the next message', async (_, failure, calls, kind) => {
    fake.script(() => failure);
    await bob.sendMessage('main', '@jarvis are you there?');
    await waitForQuiet(bob, [jarvis]);

    expect(fake.calls).toHaveLength(calls);
    expect((await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis')).toEqual([]);
    expect(entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'turn skipped: the LLM gave no reply', kind }));

    fake.script(() => ({ kind: 'text', content: 'Yes, back.' }));
    await bob.sendMessage('main', '@jarvis and now?');
    await waitForQuiet(bob, [jarvis]);
    const replies = (await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis');
    expect(replies.map((message) => message.content)).toEqual(['Yes, back.']);
    // Logs at info and above name ids and reasons, never what anyone said.
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain('are you there');
    expect(logged).not.toContain('Yes, back');
  });
});
