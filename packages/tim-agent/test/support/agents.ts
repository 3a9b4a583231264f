import type { Config } from '@tim/code';
import type { TimClient } from '@tim/protocol';
import { createOpenAiProvider } from '../../src/llm/openai-provider';
import { loadPersona, resolvePersonaPath } from '../../src/persona/load-persona';
import type { Persona } from '../../src/persona/persona-schema';
import { startAgentRunner, type AgentRunner, type AgentRunnerOptions } from '../../src/runner';
import {
  startFakeOpenAi,
  type FakeChatRequest,
  type FakeOpenAi,
  type FakeScript,
  type FakeStreaming,
} from './fake-openai';
import { createLogRecorder, type LogEntry, type LogRecorder } from './log-recorder';
import { startTim, type StartTimOptions, type TestTim } from './start-tim';

/**
 * A shipped persona (jarvis, alice) made fast for tests: no response delay, the fake model,
 * a short timeout, no LLM retries and no MCP servers unless overridden.
 */
export async function testPersona(name: string, overrides: Partial<Persona> = {}): Promise<Persona> {
  const persona = await loadPersona(resolvePersonaPath(name, { cwd: process.cwd() }));
  return {
    ...persona,
    responseDelayMs: 0,
    llm: { ...persona.llm, model: 'fake-model', timeoutMs: 2000, maxRetries: 0 },
    mcpServers: [],
    ...overrides,
  };
}

/** Runner options a test may set; the rest `startTestAgent` chooses. */
export type TestRunnerOptions = Partial<Omit<AgentRunnerOptions, 'persona' | 'baseUrl' | 'token' | 'llm' | 'logger'>>;

export interface StartTestAgentOptions {
  tim: TestTim;
  fake: FakeOpenAi;
  persona: Persona;
  /** An agent token issued earlier (to restart an agent); by default one is provisioned. */
  token?: string;
  runner?: TestRunnerOptions;
}

/**
 * A running agent as a test sees it: the runner's public interface plus its logs, recorded at
 * debug. What the agent did is read from its effects (the fake LLM's requests, the space's
 * messages) and from these logs, never from its internals.
 */
export interface TestAgent {
  nick: string;
  runner: AgentRunner;
  logs: LogRecorder;
  /** Resolves once the agent logged `caught up` in `spaceId` through `updateId` or later. */
  whenCaughtUp(spaceId: string, updateId: number, timeoutMs?: number): Promise<void>;
  /** Resolves once the agent judged (decided on) an update of `spaceId` with id `updateId` or later. */
  whenJudged(spaceId: string, updateId: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Provisions the persona's agent on the test server and runs it against the fake LLM. */
export async function startTestAgent(options: StartTestAgentOptions): Promise<TestAgent> {
  const { persona } = options;
  const token = options.token ?? (await options.tim.addAgent(persona.nick));
  const logs = createLogRecorder();
  const runner = await startAgentRunner({
    persona,
    baseUrl: options.tim.baseUrl,
    token,
    llm: createOpenAiProvider({
      baseURL: options.fake.baseUrl,
      apiKey: 'test-key',
      timeoutMs: persona.llm.timeoutMs,
      maxRetries: persona.llm.maxRetries,
      maxRetryAfterMs: persona.llm.maxRetryAfterMs,
      log: logs.logger.child({ agent: persona.nick }),
    }),
    logger: logs.logger,
    reconnectBackoff: { minMs: 10, maxMs: 100 },
    ...options.runner,
  });
  const reached = (message: string, field: string, spaceId: string, updateId: number) => (entry: LogEntry) =>
    entry.message === message && entry.spaceId === spaceId && Number(entry[field]) >= updateId;
  return {
    nick: persona.nick,
    runner,
    logs,
    async whenCaughtUp(spaceId, updateId, timeoutMs) {
      const what = `${persona.nick} caught up in ${spaceId} through ${updateId}`;
      await logs.waitFor(what, reached('caught up', 'throughUpdateId', spaceId, updateId), timeoutMs);
    },
    async whenJudged(spaceId, updateId, timeoutMs) {
      const what = `${persona.nick} judged update ${updateId} of ${spaceId}`;
      await logs.waitFor(what, reached('update judged', 'updateId', spaceId, updateId), timeoutMs);
    },
    stop: () => runner.stop(),
  };
}

/** The nick the fake model is asked to speak as, read from the system prompt the agent built. */
export function askingNick(request: FakeChatRequest): string | undefined {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  return /You are @([A-Za-z0-9_.-]+), an AI agent/.exec(system)?.[1];
}

/** A script answering each agent with its own fixed text. */
export function answerPerAgent(texts: Record<string, string>, totalTokens = 10): FakeScript {
  return (request) => ({ kind: 'text', content: texts[askingNick(request) ?? ''] ?? 'Noted.', totalTokens });
}

/** The user messages a prompt marks as the ones the turn answers. */
export function markedTriggers(request: FakeChatRequest | undefined): string[] {
  return (request?.messages ?? [])
    .filter((message) => message.role === 'user' && message.content.includes('[answer this]'))
    .map((message) => message.content);
}

/** The fake LLM calls made on behalf of one agent. */
export function callsBy(fake: FakeOpenAi, nick: string): FakeChatRequest[] {
  return fake.calls.filter((request) => askingNick(request) === nick);
}

/** What `useAgentSpace` sets up for each test. */
export interface AgentSpace {
  tim: TestTim;
  fake: FakeOpenAi;
  /** A human who registered before any agent started. */
  bob: TimClient;
  /** Agents started through `start`; all stopped after the test. */
  agents: TestAgent[];
  /** Starts a shipped persona (see `testPersona`) and waits until it joined `main`. */
  start(
    name: string,
    options?: { overrides?: Partial<Persona>; token?: string; runner?: TestRunnerOptions },
  ): Promise<TestAgent>;
}

/**
 * Registers hooks that give each test a fresh tim-code, fake LLM (streaming as `fakeOptions`
 * says) and human `bob`, and close them (agents first) afterwards. Read the fields inside
 * tests, not at describe time.
 */
export function useAgentSpace(
  config: Partial<Config> = {},
  timOptions: StartTimOptions = {},
  fakeOptions: { streaming?: FakeStreaming } = {},
): AgentSpace {
  const space = { agents: [] as TestAgent[] } as AgentSpace;
  beforeEach(async () => {
    space.tim = await startTim(config, timOptions);
    space.fake = await startFakeOpenAi(fakeOptions);
    space.bob = await space.tim.addHuman('bob');
    space.agents = [];
    space.start = async (name, options = {}) => {
      const persona = await testPersona(name, options.overrides);
      const agent = await startTestAgent({ tim: space.tim, fake: space.fake, persona, ...options });
      space.agents.push(agent);
      await agent.whenCaughtUp('main', 0);
      return agent;
    };
  });
  afterEach(async () => {
    await Promise.all(space.agents.splice(0).map((agent) => agent.stop()));
    await space.fake.close();
    await space.tim.close();
  });
  return space;
}
