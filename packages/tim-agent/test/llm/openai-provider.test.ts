import { getEventListeners } from 'node:events';
import { LlmError } from '../../src/llm/llm-provider';
import { createOpenAiProvider } from '../../src/llm/openai-provider';
import { readLlmEndpoint } from '../../src/llm/llm-config';
import { CHAT_REQUEST as REQUEST } from '../support/chat-request';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';

describe('createOpenAiProvider', () => {
  let fake: FakeOpenAi;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });

  afterEach(async () => {
    await fake.close();
  });

  function provider(options: { timeoutMs?: number; maxRetries?: number; maxRetryAfterMs?: number } = {}) {
    return createOpenAiProvider({ baseURL: fake.baseUrl, apiKey: 'test-key', ...options });
  }

  async function failure(promise: Promise<unknown>): Promise<LlmError> {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(LlmError);
    return error as LlmError;
  }

  it('sends model, temperature, messages and the reply bound, and returns text and usage', async () => {
    fake.script(() => ({ kind: 'text', content: '  Plan: ship it.  ', totalTokens: 42 }));
    const reply = await provider().complete({ ...REQUEST, maxReplyTokens: 50 });
    expect(reply).toEqual({
      text: 'Plan: ship it.',
      usage: { promptTokens: 21, completionTokens: 21, totalTokens: 42, isEstimated: false },
    });
    expect(fake.calls).toEqual([
      expect.objectContaining({ model: 'fake-model', temperature: 0.2, messages: REQUEST.messages, max_tokens: 50 }),
    ]);
  });

  it('estimates usage when the endpoint reports none', async () => {
    fake.script(() => ({
      kind: 'raw',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'abcdefgh' } }] }),
    }));
    const reply = await provider().complete(REQUEST);
    expect(reply.usage).toMatchObject({ completionTokens: 2, isEstimated: true });
    expect(reply.usage.totalTokens).toBeGreaterThan(2);
  });

  it('retries a 500 with backoff and returns the later answer', async () => {
    fake.script((_, index) =>
      index === 0 ? { kind: 'status', status: 500, retryAfterMs: 5 } : { kind: 'text', content: 'ok' },
    );
    await expect(provider({ maxRetries: 2 }).complete(REQUEST)).resolves.toMatchObject({ text: 'ok' });
    expect(fake.calls).toHaveLength(2);
  });

  it('gives up after the bounded retries on 5xx and on 429', async () => {
    fake.script(() => ({ kind: 'status', status: 503, retryAfterMs: 5 }));
    expect(await failure(provider({ maxRetries: 2 }).complete(REQUEST))).toMatchObject({
      kind: 'server_error',
      status: 503,
    });
    expect(fake.calls).toHaveLength(3);

    fake.script(() => ({ kind: 'status', status: 429, retryAfterMs: 5 }));
    expect(await failure(provider({ maxRetries: 1 }).complete(REQUEST))).toMatchObject({
      kind: 'rate_limited',
      status: 429,
    });
    expect(fake.calls).toHaveLength(5);
  });

  it('does not retry other HTTP errors', async () => {
    fake.script(() => ({ kind: 'status', status: 401 }));
    expect(await failure(provider({ maxRetries: 2 }).complete(REQUEST))).toMatchObject({
      kind: 'http_error',
      status: 401,
    });
    expect(fake.calls).toHaveLength(1);
  });

  it('times out an endpoint that hangs', async () => {
    fake.script(() => ({ kind: 'hang' }));
    expect(await failure(provider({ timeoutMs: 200, maxRetries: 0 }).complete(REQUEST))).toMatchObject({
      kind: 'timeout',
    });
  });

  it('reports an unreachable endpoint as a network failure', async () => {
    const unreachable = createOpenAiProvider({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k', maxRetries: 0 });
    expect(await failure(unreachable.complete(REQUEST))).toMatchObject({ kind: 'network' });
  });

  it('turns an aborted request into an aborted failure', async () => {
    fake.script(() => ({ kind: 'hang' }));
    const controller = new AbortController();
    const pending = provider({ maxRetries: 0 }).complete({ ...REQUEST, signal: controller.signal });
    await fake.waitForCalls(1);
    controller.abort();
    expect(await failure(pending)).toMatchObject({ kind: 'aborted' });
  });

  it('waits at most maxRetryAfterMs before a retry, however long Retry-After asks for', async () => {
    fake.script(() => ({ kind: 'status', status: 429, retryAfterSeconds: 90 }));
    const pending = provider({ maxRetries: 1, maxRetryAfterMs: 20 }).complete(REQUEST);
    expect(await failure(pending)).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(fake.calls).toHaveLength(2);
  }, 10_000);

  it('ends a call at once when it is aborted during a Retry-After wait', async () => {
    fake.script(() => ({ kind: 'status', status: 429, retryAfterSeconds: 90 }));
    const controller = new AbortController();
    const pending = provider({ maxRetries: 2 }).complete({ ...REQUEST, signal: controller.signal });
    await fake.waitForAnswers(1);
    controller.abort();
    expect(await failure(pending)).toMatchObject({ kind: 'aborted' });
    expect(fake.calls).toHaveLength(1);
  }, 5_000);

  it("leaves no listener on the caller's signal, after 1 call as after 200, retries included", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      // Every tenth call is answered 500 first, so retried attempts are counted too.
      fake.script((_, index) =>
        index % 11 === 0 ? { kind: 'status', status: 500, retryAfterMs: 1 } : { kind: 'text', content: 'ok' },
      );
      const shutdown = new AbortController();
      const llm = provider({ maxRetries: 1 });
      await llm.complete({ ...REQUEST, signal: shutdown.signal });
      const listenersAfterOne = getEventListeners(shutdown.signal, 'abort').length;
      for (let call = 1; call < 200; call += 1) await llm.complete({ ...REQUEST, signal: shutdown.signal });

      expect(fake.calls.length).toBeGreaterThan(200);
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(listenersAfterOne);
      expect(listenersAfterOne).toBe(0);
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it.each([
    [
      'a body that is not JSON',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices": [tr' },
      'invalid_response',
    ],
    ['plain text', { kind: 'raw', status: 200, contentType: 'text/plain', body: 'hello there' }, 'invalid_response'],
    [
      'JSON without choices',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"object":"chat.completion"}' },
      'invalid_response',
    ],
    [
      'an empty choice list',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices":[]}' },
      'invalid_response',
    ],
    [
      'null content',
      { kind: 'raw', status: 200, contentType: 'application/json', body: '{"choices":[{"message":{"content":null}}]}' },
      'empty_response',
    ],
    ['blank text', { kind: 'text', content: '   ' }, 'empty_response'],
  ] as const)('turns %s into a typed failure', async (_, answer, kind) => {
    fake.script(() => answer);
    expect(await failure(provider({ maxRetries: 0 }).complete(REQUEST))).toMatchObject({ kind });
  });
});

describe('readLlmEndpoint', () => {
  it('is undefined without OPENAI_API_KEY and OPENAI_BASE_URL', () => {
    expect(readLlmEndpoint({})).toBeUndefined();
    expect(readLlmEndpoint({ OPENAI_API_KEY: ' ', OPENAI_BASE_URL: '' })).toBeUndefined();
  });

  it('uses OpenAI with a key, and a local server with a placeholder key', () => {
    expect(readLlmEndpoint({ OPENAI_API_KEY: 'sk-1' })).toEqual({ apiKey: 'sk-1' });
    expect(readLlmEndpoint({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual({
      baseURL: 'http://127.0.0.1:11434/v1',
      apiKey: 'no-key',
    });
  });
});
