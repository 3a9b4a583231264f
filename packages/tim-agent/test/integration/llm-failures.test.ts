import { useAgentSpace, type TestAgent } from '../support/agents';
import type { FakeAnswer } from '../support/fake-openai';
import type { LogEntry } from '../support/log-recorder';
import { readMessages, waitForQuiet } from '../support/start-tim';

describe('tim-agent when the LLM fails', () => {
  const space = useAgentSpace();
  let jarvis: TestAgent;
  let entries: LogEntry[];

  beforeEach(async () => {
    // One retry, a short timeout: every failure below ends within a second.
    const llm = { model: 'fake-model', temperature: 0, timeoutMs: 300, maxRetries: 1, maxRetryAfterMs: 30_000 };
    jarvis = await space.start('jarvis', { overrides: { openingMessage: undefined, llm } });
    entries = jarvis.logs.entries;
  });

  const failures: [string, FakeAnswer, number, string][] = [
    ['500s', { kind: 'status', status: 500, retryAfterMs: 5 }, 2, 'server_error'],
    ['timeouts', { kind: 'hang' }, 2, 'timeout'],
    [
      'a non-JSON body',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices": [tr' },
      1,
      'invalid_response',
    ],
    [
      'JSON that is no chat completion',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"hello":1}' },
      1,
      'invalid_response',
    ],
    ['an empty reply', { kind: 'text', content: '  ' }, 1, 'empty_response'],
  ];

  it.each(failures)(
    'posts nothing on %s, logs the failure and answers the next message',
    async (_, failure, calls, kind) => {
      const { bob, fake } = space;
      fake.script(() => failure);
      await bob.sendMessage('main', '@jarvis are you there?');
      await waitForQuiet(bob, [jarvis]);

      expect(fake.calls).toHaveLength(calls);
      expect((await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis')).toEqual([]);
      expect(entries).toContainEqual(
        expect.objectContaining({ level: 'warn', message: 'turn skipped: the LLM gave no reply', kind }),
      );

      fake.script(() => ({ kind: 'text', content: 'Yes, back.' }));
      await bob.sendMessage('main', '@jarvis and now?');
      await waitForQuiet(bob, [jarvis]);
      const replies = (await readMessages(bob)).filter((message) => message.sender.nick === 'jarvis');
      expect(replies.map((message) => message.content)).toEqual(['Yes, back.']);
      // Logs name ids and reasons, never what anyone said (debug included).
      const logged = JSON.stringify(entries);
      expect(logged).not.toContain('are you there');
      expect(logged).not.toContain('Yes, back');
    },
  );
});
