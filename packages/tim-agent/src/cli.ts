#!/usr/bin/env node
import { join, resolve } from 'node:path';
import type { LlmEndpoint } from './llm/llm-config';
import { NO_LLM_MESSAGE, readLlmEndpoint } from './llm/llm-config';
import { createOpenAiProvider } from './llm/openai-provider';
import { createLogger, type Logger } from './logger';
import { PersonaError, loadPersona, resolvePersonaPath } from './persona/load-persona';
import type { Persona } from './persona/persona-schema';
import { startAgentRunner, type AgentRunner } from './runner';

export const DEFAULT_TIM_URL = 'http://127.0.0.1:8787';
/** Where each persona's budgets are kept across restarts, relative to the working directory. */
export const DEFAULT_STATE_DIR = '.tim-agent';

const USAGE = `Usage: tim-agent run <persona-file|name>...

Runs each persona as its own agent, in one process. A name (jarvis, alice) means a shipped
persona; anything else is a YAML or JSON persona file.

Environment:
  OPENAI_API_KEY     key for OpenAI (or any endpoint that wants one)
  OPENAI_BASE_URL    an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama
  TIM_URL            tim-code's address unless the persona sets "server" (default ${DEFAULT_TIM_URL})
  TIM_AGENT_MODEL    the model for every persona, overriding theirs (e.g. llama3.2 on Ollama)
  TIM_AGENT_MAX_RETRY_AFTER_MS
                     longest wait for an LLM's Retry-After, for every persona (default: theirs, 30000)
  TIM_AGENT_STATE_DIR
                     where each persona's budgets outlive a restart, as <nick>.json (default ./${DEFAULT_STATE_DIR})
  TIM_LOG_LEVEL      error, warn, info (default) or debug
  <persona tokenEnv> the agent token from \`tim-code agent add <nick>\`, e.g. TIM_AGENT_TOKEN_JARVIS
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Called once the agents run, with the function that stops them. @default on SIGINT/SIGTERM */
  onStopRequest?: (stop: () => void) => void;
  /** @default JSON lines on stderr at TIM_LOG_LEVEL */
  logger?: Logger;
}

/** Runs the CLI and resolves with the process exit code (2 for usage and configuration errors). */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...names] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command !== 'run' || names.length === 0) {
    io.stderr(USAGE);
    return 2;
  }
  const endpoint = readLlmEndpoint(env);
  if (endpoint === undefined) {
    io.stderr(`${NO_LLM_MESSAGE}\n`);
    return 2;
  }

  const personas: Persona[] = [];
  for (const name of names) {
    try {
      personas.push(await loadPersona(resolvePersonaPath(name, { cwd: process.cwd() })));
    } catch (err) {
      if (!(err instanceof PersonaError)) throw err;
      io.stderr(`${err.message}\n`);
      return 2;
    }
  }
  const problem = findConfigurationProblem(personas, env);
  if (problem !== undefined) {
    io.stderr(`${problem}\n`);
    return 2;
  }
  const maxRetryAfterMs = readMaxRetryAfterMs(env);
  if (maxRetryAfterMs === 'invalid') {
    io.stderr(`${MAX_RETRY_AFTER_ENV} must be a whole number of milliseconds from 0 to ${MAX_RETRY_AFTER_LIMIT_MS}.\n`);
    return 2;
  }

  const logger = io.logger ?? createLogger({ level: env.TIM_LOG_LEVEL ?? 'info' });
  const runners = await Promise.all(
    personas.map((persona) => {
      const llm = { ...persona.llm, ...(maxRetryAfterMs !== undefined && { maxRetryAfterMs }) };
      return startPersona({ ...persona, llm }, env, endpoint, logger);
    }),
  );
  const stopRequested = new Promise<'stop'>((resolve) => {
    const onStopRequest = io.onStopRequest ?? waitForSignals;
    onStopRequest(() => resolve('stop'));
  });
  const allClosed = Promise.all(runners.map((runner) => runner.closed)).then(() => 'closed' as const);
  const outcome = await Promise.race([stopRequested, allClosed]);
  await Promise.all(runners.map((runner) => runner.stop()));
  if (outcome === 'closed') {
    logger.error('every agent connection was closed by the server; check the agent tokens');
    return 1;
  }
  logger.info('stopped', { agents: runners.map((runner) => runner.nick) });
  return 0;
}

function startPersona(
  persona: Persona,
  env: NodeJS.ProcessEnv,
  endpoint: LlmEndpoint,
  logger: Logger,
): Promise<AgentRunner> {
  const baseUrl = persona.server ?? env.TIM_URL ?? DEFAULT_TIM_URL;
  const model = env.TIM_AGENT_MODEL?.trim() || persona.llm.model;
  const stateFile = join(
    resolve(env.TIM_AGENT_STATE_DIR?.trim() || DEFAULT_STATE_DIR),
    `${persona.nick.toLowerCase()}.json`,
  );
  logger.info('starting agent', { agent: persona.nick, server: baseUrl, spaces: persona.spaces, model, stateFile });
  return startAgentRunner({
    persona: { ...persona, llm: { ...persona.llm, model } },
    baseUrl,
    token: env[persona.tokenEnv] ?? '',
    llm: createOpenAiProvider({
      ...endpoint,
      timeoutMs: persona.llm.timeoutMs,
      maxRetries: persona.llm.maxRetries,
      maxRetryAfterMs: persona.llm.maxRetryAfterMs,
      log: logger.child({ agent: persona.nick }),
    }),
    logger,
    stateFile,
  });
}

/** One sentence about the first thing that keeps the personas from running together, if any. */
function findConfigurationProblem(personas: readonly Persona[], env: NodeJS.ProcessEnv): string | undefined {
  const nicks = new Set<string>();
  for (const persona of personas) {
    const nick = persona.nick.toLowerCase();
    if (nicks.has(nick)) return `The persona nick "${persona.nick}" is given twice; each agent needs its own.`;
    nicks.add(nick);
    if (!env[persona.tokenEnv]?.trim()) {
      return `Set ${persona.tokenEnv} to the agent token of "${persona.nick}" (printed by \`tim-code agent add ${persona.nick}\`).`;
    }
  }
  return undefined;
}

const MAX_RETRY_AFTER_ENV = 'TIM_AGENT_MAX_RETRY_AFTER_MS';
const MAX_RETRY_AFTER_LIMIT_MS = 600_000;

/** TIM_AGENT_MAX_RETRY_AFTER_MS when set, 'invalid' when it is not a number of ms in range. */
function readMaxRetryAfterMs(env: NodeJS.ProcessEnv): number | 'invalid' | undefined {
  const text = env[MAX_RETRY_AFTER_ENV]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= MAX_RETRY_AFTER_LIMIT_MS ? value : 'invalid';
}

function waitForSignals(stop: () => void): void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`tim-agent failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
