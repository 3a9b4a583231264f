#!/usr/bin/env node
// `pnpm dev`: the whole stack in one terminal. Starts tim-code (data in ./.tim), the agents when
// an LLM is configured (provisioning their dev tokens once), and the Vite dev server, which
// proxies /api and the WebSocket to tim-code. Ctrl-C (or SIGTERM) stops every child and exits.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startProcess, waitForListening } from '@tim/process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.tim');
const tokensFile = join(dataDir, 'dev-agent-tokens.json');
const timCli = join(root, 'packages/tim-code/dist/cli.js');
const agentCli = join(root, 'packages/tim-agent/dist/cli.js');
const viteBin = join(root, 'packages/tim-web/node_modules/vite/bin/vite.js');
const AGENTS = ['jarvis', 'alice'];
const port = process.env.TIM_PORT ?? '8787';
const hasLlm = Boolean(process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL);
const execFileAsync = promisify(execFile);

/** The children started so far. */
const children = [];
let stopping = false;

function log(line) {
  process.stdout.write(`[dev] ${line}\n`);
}

/**
 * Starts a child whose output lines are printed with its name, and resolves once `ready` answers.
 * When a child ends on its own, the stack stops.
 */
async function start(name, args, options) {
  const child = await startProcess({
    name,
    args,
    onLine: (line) => process.stdout.write(`[${name}] ${line}\n`),
    ...options,
  });
  children.push(child);
  void child.exited.then(({ code, signal }) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? `code ${code}`}); stopping the stack.`);
    void stop(1);
  });
  return child.ready;
}

/** Stops every child (SIGTERM, then SIGKILL after a grace period) and exits. */
async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map((child) => child.stop()));
  process.exit(exitCode);
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
    const { stdout } = await execFileAsync(process.execPath, [timCli, 'agent', 'add', nick], { cwd: root, env });
    const token = stdout.trim().split('\n').pop()?.trim();
    if (!token) throw new Error(`tim-code agent add ${nick} printed no token`);
    tokens[nick] = token;
    log(`provisioned a dev token for ${nick}`);
  }
  writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tokensFile, 0o600);
  return tokens;
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

  const timUrl = await start('tim-code', [timCli, 'serve'], {
    cwd: root,
    env: serverEnv,
    ready: (server) => waitForListening(server),
  });

  if (tokens !== undefined && existsSync(agentCli)) {
    await start('agents', [agentCli, 'run', ...AGENTS], {
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

  const webUrl = await start('web', [viteBin, '--clearScreen', 'false'], {
    cwd: join(root, 'packages/tim-web'),
    env: { ...process.env, TIM_URL: timUrl },
    ready: async (web) =>
      (await web.waitForLine(/(http:\/\/(?:127\.0\.0\.1|localhost):\d+\/?)/, { timeoutMs: 60_000 }))[1],
  });
  log(`Tim is running. Open ${webUrl} (API on ${timUrl}). Ctrl-C stops everything.`);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch((error) => {
  // Only the first line: the child's output, which the error quotes, was shown as it came.
  log(`failed: ${error.message.split('\n')[0]}`);
  void stop(1);
});
