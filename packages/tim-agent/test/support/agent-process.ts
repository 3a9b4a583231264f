import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';

/** The built CLI; turbo's test task builds first, by hand run `pnpm --filter @tim/agent build`. */
export const AGENT_CLI_PATH = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface AgentProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once `count` (default 1) JSON log lines matching `match` were written; the timeout names `what`. */
  waitForLog(
    what: string,
    match: (entry: Record<string, unknown>) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<void>;
  /** Ends the process if it still runs and removes its persona directory. */
  close(): Promise<void>;
}

/**
 * Writes `persona` to a temp YAML file and runs `node dist/cli.js run <file>` with `env` (and
 * PATH only), so a test sees the process an operator runs: its signals, exit code and stderr.
 */
export async function spawnAgentProcess(
  persona: Record<string, unknown>,
  env: Record<string, string>,
): Promise<AgentProcess> {
  if (!existsSync(AGENT_CLI_PATH))
    throw new Error(`${AGENT_CLI_PATH} is missing: run \`pnpm --filter @tim/agent build\` first.`);
  const dir = await mkdtemp(join(tmpdir(), 'tim-agent-process-'));
  const personaFile = join(dir, 'persona.yaml');
  await writeFile(personaFile, toYaml(persona));
  const child = spawn(process.execPath, [AGENT_CLI_PATH, 'run', personaFile], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const logEntries = (): Record<string, unknown>[] =>
    stderr.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  return {
    child,
    exited,
    stderr: () => stderr,
    waitForLog(what, match, { count = 1, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (logEntries().filter(match).length < count) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`agent process: no log line "${what}" within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
