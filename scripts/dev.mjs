#!/usr/bin/env node
// `pnpm dev`: the whole stack in one terminal. Starts tim-code (data in ./.tim), the agents when
// an LLM is configured (provisioning their dev tokens once), and the Vite dev server, which
// proxies /api and the WebSocket to tim-code. Ctrl-C (or SIGTERM) stops every child and exits.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.tim');
const tokensFile = join(dataDir, 'dev-agent-tokens.json');
const timCli = join(root, 'packages/tim-code/dist/cli.js');
const agentCli = join(root, 'packages/tim-agent/dist/cli.js');
const viteBin = join(root, 'packages/tim-web/node_modules/vite/bin/vite.js');
const AGENTS = ['jarvis', 'alice'];
const port = process.env.TIM_PORT ?? '8787';
const hasLlm = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);

/** Children still running, by name. */
const children = new Map();
/** Pending waitForLine calls. */
const waiters = [];
let stopping = false;

function log(line) {
  process.stdout.write(`[dev] ${line}\n`);
}

/** Prefixes each output line of a child with its name, and calls onLine for each. */
function pipeLines(stream, name, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      process.stdout.write(`[${name}] ${line}\n`);
      onLine?.(line.replace(/\u001b\[[0-9;]*m/g, ''));
    }
  });
}

function start(name, command, args, { onLine, ...options }) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  pipeLines(child.stdout, name, onLine);
  pipeLines(child.stderr, name, onLine);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} exited (${signal ?? `code ${code}`}); stopping the stack.`);
      stop(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  return child;
}

function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
}

/** Runs a command to completion and returns its stdout; rejects with its stderr. */
function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(stderr.trim() || `exit code ${code}`)),
    );
  });
}

function readTokens() {
  if (!existsSync(tokensFile) || !existsSync(join(dataDir, 'tim.db'))) return {};
  return JSON.parse(readFileSync(tokensFile, 'utf8'));
}

/** Issues each dev agent a token once and keeps them, readable by this user only. */
async function provisionAgentTokens(env) {
  const tokens = readTokens();
  for (const nick of AGENTS) {
    if (typeof tokens[nick] === 'string') continue;
    const stdout = await run(process.execPath, [timCli, 'agent', 'add', nick], env);
    const token = stdout.trim().split('\n').pop()?.trim();
    if (!token) throw new Error(`tim-code agent add ${nick} printed no token`);
    tokens[nick] = token;
    log(`provisioned a dev token for ${nick}`);
  }
  writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tokensFile, 0o600);
  return tokens;
}

/** Resolves with the match when the named child prints a line matching the pattern. */
function waitForLine(pattern, name) {
  return new Promise((resolve) => {
    waiters.push({ pattern, name, resolve });
  });
}

function matchWaiters(name, line) {
  for (const waiter of [...waiters]) {
    const match = waiter.name === name ? waiter.pattern.exec(line) : null;
    if (match) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(match);
    }
  }
}

async function main() {
  for (const [file, hint] of [
    [timCli, 'pnpm --filter @tim/code build'],
    [viteBin, 'pnpm install'],
  ]) {
    if (!existsSync(file)) {
      log(`missing ${file}; run \`${hint}\` first.`);
      process.exit(1);
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const serverEnv = { ...process.env, TIM_DATA_DIR: dataDir, TIM_PORT: port };

  let tokens;
  if (hasLlm) {
    try {
      tokens = await provisionAgentTokens(serverEnv);
    } catch (error) {
      log(`could not provision agent tokens, starting without agents: ${error.message}`);
    }
  } else {
    log(
      'agents are off: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server) to let Jarvis and Alice join.',
    );
  }

  const listening = waitForLine(/listening on (http:\/\/\S+)/, 'tim-code');
  start('tim-code', process.execPath, [timCli, 'serve'], {
    cwd: root,
    env: serverEnv,
    onLine: (line) => matchWaiters('tim-code', line),
  });
  const [, timUrl] = await listening;

  if (tokens !== undefined && existsSync(agentCli)) {
    start('agents', process.execPath, [agentCli, 'run', ...AGENTS], {
      cwd: root,
      env: {
        ...process.env,
        TIM_URL: timUrl,
        ...Object.fromEntries(AGENTS.map((nick) => [`TIM_AGENT_TOKEN_${nick.toUpperCase()}`, tokens[nick]])),
      },
    });
  } else if (tokens !== undefined) {
    log(`missing ${agentCli}; run \`pnpm --filter @tim/agent build\` to start the agents.`);
  }

  const ready = waitForLine(/(http:\/\/(?:127\.0\.0\.1|localhost):\d+\/?)/, 'web');
  start('web', process.execPath, [viteBin, '--clearScreen', 'false'], {
    cwd: join(root, 'packages/tim-web'),
    env: { ...process.env, TIM_URL: timUrl },
    onLine: (line) => matchWaiters('web', line),
  });
  const [, webUrl] = await ready;
  log(`Tim is running. Open ${webUrl} (API on ${timUrl}). Ctrl-C stops everything.`);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
main().catch((error) => {
  log(`failed: ${error.message}`);
  stop(1);
});
