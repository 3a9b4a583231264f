import { LlmError, type LlmReply } from '../../src/llm/llm-provider';
import { createOpenAiProvider } from '../../src/llm/openai-provider';
import { CHAT_REQUEST as REQUEST } from '../support/chat-request';
import { startFakeOpenAi, type FakeOpenAi, type FakeStreaming } from '../support/fake-openai';
import { createLogRecorder, type LogRecorder } from '../support/log-recorder';

// The estimate for REQUEST's prompt, at four characters per token.
const PROMPT_ESTIMATE = Math.ceil('You are a test.bob [human]: hi'.length / 4);

describe('createOpenAiProvider.streamReply', () => {
  let fake: FakeOpenAi;
  let logs: LogRecorder;

  async function startFake(streaming?: FakeStreaming): Promise<void> {
    fake = await startFakeOpenAi({ streaming });
    logs = createLogRecorder();
  }

  afterEach(async () => {
    await fake.close();
  });

  function provider(options: { timeoutMs?: number; maxRetries?: number } = {}) {
    return createOpenAiProvider({ baseURL: fake.baseUrl, apiKey: 'test-key', log: logs.logger, ...options });
  }

  /** Streams a reply and records the pieces `onText` got, with the time each arrived. */
  async function stream(
    llm = provider(),
    signal?: AbortSignal,
  ): Promise<{ reply: LlmReply | LlmError; pieces: { text: string; atMs: number }[] }> {
    const pieces: { text: string; atMs: number }[] = [];
    const reply = await llm
      .streamReply({ ...REQUEST, ...(signal && { signal }) }, (text) => pieces.push({ text, atMs: Date.now() }))
      .catch((err: unknown) => {
        if (!(err instanceof LlmError)) throw err;
        return err;
      });
    return { reply, pieces };
  }

  const infoLogs = () => logs.entries.filter((entry) => entry.level === 'info').map((entry) => entry.message);

  it('hands over each piece as it arrives and takes the usage from the final chunk', async () => {
    await startFake();
    fake.script(() => ({ kind: 'stream', chunks: [' Plan', ': ship', ' it. '], intervalMs: 100, totalTokens: 77 }));
    const { reply, pieces } = await stream();

    expect(reply).toEqual({
      text: 'Plan: ship it.',
      usage: { promptTokens: 38, completionTokens: 39, totalTokens: 77, isEstimated: false },
    });
    expect(pieces.map((piece) => piece.text)).toEqual([' Plan', ': ship', ' it. ']);
    // Live, not all at the end: the pieces came about 100 ms apart.
    expect((pieces[2]?.atMs ?? 0) - (pieces[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(150);
    expect(fake.calls[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('estimates the usage when no chunk carries it', async () => {
    await startFake();
    fake.script(() => ({ kind: 'stream', chunks: ['abcd', 'efgh'], intervalMs: 1 }));
    const { reply } = await stream();
    expect(reply).toEqual({
      text: 'abcdefgh',
      usage: {
        promptTokens: PROMPT_ESTIMATE,
        completionTokens: 2,
        totalTokens: PROMPT_ESTIMATE + 2,
        isEstimated: true,
      },
    });
  });

  it('stops at once when aborted, closing the request, and reports the tokens used so far', async () => {
    await startFake();
    fake.script(() => ({ kind: 'stream', chunks: ['abcd', 'efgh', 'ijkl'], intervalMs: 1, then: 'hang' }));
    const controller = new AbortController();
    const llm = provider();
    const pending = llm.streamReply({ ...REQUEST, signal: controller.signal }, (text) => {
      if (text === 'efgh') controller.abort();
    });
    const failure = await pending.catch((err: unknown) => err);
    await fake.waitForClosedByClient(0);
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({
      kind: 'aborted',
      usage: { completionTokens: 2, totalTokens: PROMPT_ESTIMATE + 2, isEstimated: true },
    });
  });

  it('times out a stream that stops sending, with the tokens used so far', async () => {
    await startFake();
    fake.script(() => ({ kind: 'stream', chunks: ['abcd'], intervalMs: 1, then: 'hang' }));
    const { reply, pieces } = await stream(provider({ timeoutMs: 300, maxRetries: 2 }));
    expect(reply).toMatchObject({ kind: 'timeout', usage: { completionTokens: 1 } });
    expect(pieces.map((piece) => piece.text)).toEqual(['abcd']);
    // Text was handed over: a retry would repeat it.
    expect(fake.calls).toHaveLength(1);
  });

  it('retries a 500 before any text arrived', async () => {
    await startFake();
    fake.script((_, index) =>
      index === 0
        ? { kind: 'status', status: 500, retryAfterMs: 5 }
        : { kind: 'stream', chunks: ['ok'], intervalMs: 1 },
    );
    const { reply } = await stream(provider({ maxRetries: 1 }));
    expect(reply).toMatchObject({ text: 'ok' });
    expect(fake.calls).toHaveLength(2);
  });

  it('takes a whole completion from a server that ignores stream, and asks plainly from then on', async () => {
    await startFake('json');
    fake.script(() => ({ kind: 'text', content: 'Whole answer.', totalTokens: 12 }));
    const llm = provider();
    const first = await stream(llm);
    const second = await stream(llm);

    for (const { reply, pieces } of [first, second]) {
      expect(reply).toMatchObject({ text: 'Whole answer.', usage: { totalTokens: 12, isEstimated: false } });
      // Nothing to stream: the reply comes whole.
      expect(pieces).toEqual([]);
    }
    expect(fake.calls.map((call) => call.stream)).toEqual([true, undefined]);
    expect(infoLogs()).toEqual(['the LLM endpoint does not stream; asking with plain requests from now on']);
  });

  it('asks plainly when a server refuses to stream, now and from then on, logged once', async () => {
    await startFake('refuse');
    fake.script(() => ({ kind: 'text', content: 'Plain answer.', totalTokens: 9 }));
    const llm = provider({ maxRetries: 2 });
    const first = await stream(llm);
    const second = await stream(llm);

    for (const { reply, pieces } of [first, second]) {
      expect(reply).toMatchObject({ text: 'Plain answer.' });
      expect(pieces).toEqual([]);
    }
    expect(fake.calls.map((call) => call.stream)).toEqual([true, undefined, undefined]);
    expect(infoLogs()).toEqual(['the LLM endpoint does not stream; asking with plain requests from now on']);
  });

  it('keeps streaming after a JSON answer that is no completion, which fails the call', async () => {
    await startFake();
    fake.script((_, index) =>
      index === 0
        ? { kind: 'raw', status: 200, contentType: 'application/json', body: '{"hello":1}' }
        : { kind: 'stream', chunks: ['fine'], intervalMs: 1 },
    );
    const llm = provider();
    expect((await stream(llm)).reply).toMatchObject({ kind: 'invalid_response' });
    expect((await stream(llm)).reply).toMatchObject({ text: 'fine' });
    expect(fake.calls.map((call) => call.stream)).toEqual([true, true]);
    expect(infoLogs()).toEqual([]);
  });

  it.each([
    ['an empty stream', { kind: 'raw', status: 200, contentType: 'text/event-stream', body: '' }, 'invalid_response'],
    [
      'a chunk that is not one',
      { kind: 'raw', status: 200, contentType: 'text/event-stream', body: 'data: {"choices":"no"}\n\n' },
      'invalid_response',
    ],
    ['blank text', { kind: 'stream', chunks: [' ', '  '], intervalMs: 1 }, 'empty_response'],
  ] as const)('turns %s into a typed failure', async (_, answer, kind) => {
    await startFake();
    fake.script(() => answer);
    expect((await stream(provider({ maxRetries: 0 }))).reply).toMatchObject({ kind });
  });
});
