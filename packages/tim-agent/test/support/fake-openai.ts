import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake OpenAI-compatible server (POST /v1/chat/completions) on 127.0.0.1 and a free port.
 *
 * Why: the agent must be tested through the real `openai` SDK code path (request building,
 * retries, timeouts, response parsing, streaming) without a network, a key or a model. Each
 * test scripts the answers and reads back the requests the SDK made.
 *
 * A request with `stream: true` gets its answer as server-sent events, as OpenAI sends them
 * (`text` in one go, `stream` chunk by chunk), with a final usage chunk when it asked for one
 * (`stream_options.include_usage`) and the answer has usage; `startFakeOpenAi({ streaming })`
 * plays a server that ignores or refuses streaming instead.
 *
 * How to extend: add a variant to `FakeAnswer` and a case to `answer()`. Keep every answer
 * bounded: a `hang` answer is released by `close()`, so tests always finish.
 */

export interface FakeChatRequest {
  model: string;
  temperature?: number;
  /** `content` is null on an assistant message that only calls tools. */
  messages: { role: string; content: string; tool_call_id?: string; tool_calls?: unknown[] }[];
  /** The function tools offered, as the SDK sent them. */
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
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
  | { kind: 'raw'; status: number; contentType: string; body: string }
  /**
   * The text in these pieces, one every `intervalMs` (default 50), then the usage when
   * `totalTokens` is set (else none, as some servers do); `hang` keeps the answer open after
   * the last piece. A plain request gets the pieces joined, as one completion.
   */
  | { kind: 'stream'; chunks: readonly string[]; intervalMs?: number; totalTokens?: number; then?: 'end' | 'hang' }
  /**
   * The model asks for these function calls (ids `call_<request>_<index>`), `finish_reason:
   * 'tool_calls'`; streamed as tool_call deltas when the request streams.
   */
  | { kind: 'tool_calls'; calls: readonly { name: string; arguments: unknown }[]; totalTokens?: number };

/**
 * How the server treats `stream: true`: `sse` streams (the default), `json` ignores it and
 * answers a whole completion, `refuse` answers 400 saying it cannot stream.
 */
export type FakeStreaming = 'sse' | 'json' | 'refuse';

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
  /** Indexes of the requests whose connection the client closed before their answer ended. */
  readonly closedByClient: number[];
  /** Resolves once the client closed request `callIndex` (0 for the first) before its answer ended. */
  waitForClosedByClient(callIndex: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_SCRIPT: FakeScript = () => ({ kind: 'text', content: 'Noted.', totalTokens: 10 });

export async function startFakeOpenAi(options: { streaming?: FakeStreaming } = {}): Promise<FakeOpenAi> {
  const streaming = options.streaming ?? 'sse';
  const calls: FakeChatRequest[] = [];
  const closedByClient: number[] = [];
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
        const callIndex = calls.length - 1;
        res.once('finish', () => {
          answeredCount += 1;
          for (const wake of callWaiters) wake();
        });
        res.once('close', () => {
          if (res.writableEnded) return;
          closedByClient.push(callIndex);
          for (const wake of callWaiters) wake();
        });
        for (const wake of callWaiters) wake();
        if (request.stream === true && streaming === 'refuse') {
          sendJson(res, 400, { error: { message: 'Streaming is not supported.', type: 'invalid_request_error' } });
          return;
        }
        const wantsSse = request.stream === true && streaming === 'sse';
        answer(res, script(request, callIndex), { request, callIndex, wantsSse, hanging });
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
    closedByClient,
    waitForClosedByClient(callIndex, timeoutMs = 10_000) {
      return waitUntil(
        () => closedByClient.includes(callIndex),
        timeoutMs,
        () => `the client to close request ${callIndex}; closed: ${JSON.stringify(closedByClient)}`,
      );
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

interface AnswerContext {
  request: FakeChatRequest;
  callIndex: number;
  /** Whether to answer with server-sent events. */
  wantsSse: boolean;
  hanging: Set<ServerResponse>;
}

function answer(res: ServerResponse, reply: FakeAnswer, context: AnswerContext): void {
  const { request, hanging } = context;
  switch (reply.kind) {
    case 'text':
      if (context.wantsSse) {
        streamChunks(
          res,
          { kind: 'stream', chunks: [reply.content], intervalMs: 0, totalTokens: reply.totalTokens ?? 10 },
          context,
        );
      } else {
        sendCompletion(res, request, reply.content, reply.totalTokens ?? 10);
      }
      return;
    case 'stream':
      if (context.wantsSse) streamChunks(res, reply, context);
      else sendCompletion(res, request, reply.chunks.join(''), reply.totalTokens);
      return;
    case 'status':
      if (reply.retryAfterMs !== undefined) res.setHeader('retry-after-ms', String(reply.retryAfterMs));
      if (reply.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(reply.retryAfterSeconds));
      sendJson(res, reply.status, { error: { message: `fake status ${reply.status}`, type: 'server_error' } });
      return;
    case 'hang':
      holdOpen(res, hanging);
      return;
    case 'later':
      holdOpen(res, hanging);
      void reply.answer.then((next) => {
        hanging.delete(res);
        if (!res.destroyed) answer(res, next, context);
      });
      return;
    case 'raw':
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
      return;
    case 'tool_calls':
      sendToolCalls(res, reply, context);
      return;
  }
}

function sendToolCalls(
  res: ServerResponse,
  reply: Extract<FakeAnswer, { kind: 'tool_calls' }>,
  context: AnswerContext,
): void {
  const { request } = context;
  const toolCalls = reply.calls.map((call, index) => ({
    id: `call_${context.callIndex}_${index}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const usage = usageOf(reply.totalTokens ?? 10);
  if (!context.wantsSse) {
    sendJson(res, 200, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        { index: 0, message: { role: 'assistant', content: null, tool_calls: toolCalls }, finish_reason: 'tool_calls' },
      ],
      usage,
    });
    return;
  }
  const chunk = (choices: unknown[], withUsage?: Record<string, number>): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: request.model, choices, ...(withUsage && { usage: withUsage }) })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const deltas = toolCalls.map((call, index) => ({ index, ...call }));
  res.write(chunk([{ index: 0, delta: { role: 'assistant', tool_calls: deltas }, finish_reason: null }]));
  res.write(chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]));
  res.write(chunk([], usage));
  res.end('data: [DONE]\n\n');
}

function holdOpen(res: ServerResponse, hanging: Set<ServerResponse>): void {
  hanging.add(res);
  res.on('close', () => hanging.delete(res));
}

function usageOf(totalTokens: number): Record<string, number> {
  const promptTokens = Math.floor(totalTokens / 2);
  return { prompt_tokens: promptTokens, completion_tokens: totalTokens - promptTokens, total_tokens: totalTokens };
}

function sendCompletion(res: ServerResponse, request: FakeChatRequest, content: string, totalTokens?: number): void {
  sendJson(res, 200, {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(totalTokens !== undefined && { usage: usageOf(totalTokens) }),
  });
}

/** Writes the pieces as chat.completion.chunk events, one every `intervalMs`, then usage and [DONE]. */
function streamChunks(
  res: ServerResponse,
  reply: Extract<FakeAnswer, { kind: 'stream' }>,
  context: AnswerContext,
): void {
  const { request } = context;
  const wantsUsage = (request.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], usage?: Record<string, number>): string =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices,
      ...(wantsUsage && { usage: usage ?? null }),
    })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const pieces = [...reply.chunks];
  holdOpen(res, context.hanging);
  const next = (): void => {
    if (res.destroyed) return;
    const piece = pieces.shift();
    if (piece !== undefined) {
      res.write(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
      setTimeout(next, reply.intervalMs ?? 50);
      return;
    }
    if (reply.then === 'hang') return;
    res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    if (wantsUsage && reply.totalTokens !== undefined) res.write(chunk([], usageOf(reply.totalTokens)));
    res.end('data: [DONE]\n\n');
  };
  next();
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
