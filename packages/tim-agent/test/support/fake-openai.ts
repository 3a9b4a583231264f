import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake OpenAI-compatible server (POST /v1/chat/completions) on 127.0.0.1 and a free port.
 *
 * Why: the agent must be tested through the real `openai` SDK code path (request building,
 * retries, timeouts, response parsing) without a network, a key or a model. Each test
 * scripts the answers and reads back the requests the SDK made.
 *
 * How to extend: add a variant to `FakeAnswer` and a case to `answer()`. Keep every answer
 * bounded: a `hang` answer is released by `close()`, so tests always finish.
 */

export interface FakeChatRequest {
  model: string;
  temperature?: number;
  messages: { role: string; content: string }[];
  [field: string]: unknown;
}

export type FakeAnswer =
  /** A well-formed chat completion with this text and usage. */
  | { kind: 'text'; content: string; totalTokens?: number }
  /**
   * An error status with an OpenAI-shaped error body. `retryAfterMs` sets `retry-after-ms` so
   * retries stay fast; `retryAfterSeconds` sets the standard `Retry-After`.
   */
  | { kind: 'status'; status: number; retryAfterMs?: number; retryAfterSeconds?: number }
  /** Never answers (until the server closes), to run into the client's timeout. */
  | { kind: 'hang' }
  /** Answers once the promise resolves, so a test controls when a generation ends. */
  | { kind: 'later'; answer: Promise<FakeAnswer> }
  /** Any body with any content type, for garbage. */
  | { kind: 'raw'; status: number; contentType: string; body: string };

export type FakeScript = (request: FakeChatRequest, callIndex: number) => FakeAnswer;

export interface FakeOpenAi {
  /** Base URL including `/v1`, for OPENAI_BASE_URL. */
  baseUrl: string;
  /** Every request received, in order. */
  readonly calls: FakeChatRequest[];
  /** Replaces how the next requests are answered. */
  script(next: FakeScript): void;
  /** Resolves once at least `count` requests arrived. */
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once at least `count` answers were sent in full (the client has them or is reading them). */
  waitForAnswers(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_SCRIPT: FakeScript = () => ({ kind: 'text', content: 'Noted.', totalTokens: 10 });

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const calls: FakeChatRequest[] = [];
  const callWaiters = new Set<() => void>();
  let answeredCount = 0;
  const hanging = new Set<ServerResponse>();
  let script = DEFAULT_SCRIPT;

  const server = createServer((req, res) => {
    readJson(req).then(
      (body) => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          sendJson(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
          return;
        }
        const request = body as FakeChatRequest;
        calls.push(request);
        res.once('finish', () => {
          answeredCount += 1;
          for (const wake of callWaiters) wake();
        });
        for (const wake of callWaiters) wake();
        answer(res, script(request, calls.length - 1), request, hanging);
      },
      (err: unknown) => sendJson(res, 400, { error: { message: String(err), type: 'invalid_request_error' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function waitUntil(isDone: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!isDone()) return;
        clearTimeout(timer);
        callWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        callWaiters.delete(check);
        reject(new Error(`fake OpenAI: waited ${timeoutMs} ms for ${what()}`));
      }, timeoutMs);
      callWaiters.add(check);
      check();
    });
  }

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    script(next) {
      script = next;
    },
    waitForCalls(count, timeoutMs = 10_000) {
      return waitUntil(
        () => calls.length >= count,
        timeoutMs,
        () => `${count} calls, got ${calls.length}`,
      );
    },
    waitForAnswers(count, timeoutMs = 10_000) {
      return waitUntil(
        () => answeredCount >= count,
        timeoutMs,
        () => `${count} answers, sent ${answeredCount}`,
      );
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function answer(res: ServerResponse, reply: FakeAnswer, request: FakeChatRequest, hanging: Set<ServerResponse>): void {
  switch (reply.kind) {
    case 'text': {
      const totalTokens = reply.totalTokens ?? 10;
      const promptTokens = Math.floor(totalTokens / 2);
      sendJson(res, 200, {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: totalTokens - promptTokens,
          total_tokens: totalTokens,
        },
      });
      return;
    }
    case 'status':
      if (reply.retryAfterMs !== undefined) res.setHeader('retry-after-ms', String(reply.retryAfterMs));
      if (reply.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(reply.retryAfterSeconds));
      sendJson(res, reply.status, { error: { message: `fake status ${reply.status}`, type: 'server_error' } });
      return;
    case 'hang':
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    case 'later':
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      void reply.answer.then((next) => {
        hanging.delete(res);
        if (!res.destroyed) answer(res, next, request, hanging);
      });
      return;
    case 'raw':
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
      return;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}
