import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from '@tim/process';
import { stringify as toYaml } from 'yaml';

/** The built CLI; turbo's test task builds first, by hand run `pnpm --filter @tim/agent build`. */
export const AGENT_CLI_PATH = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface AgentProcess extends ManagedProcess {
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
  const agent = await startProcess({
    name: 'tim-agent',
    args: [AGENT_CLI_PATH, 'run', personaFile],
    // Budgets go to the test's own directory, so runs do not share what they spent.
    env: { PATH: process.env.PATH ?? '', TIM_AGENT_STATE_DIR: join(dir, 'state'), ...env },
  });

  return {
    ...agent,
    async waitForLog(what, match, { count = 1, timeoutMs = 10_000 } = {}) {
      const isWanted = (line: string): boolean => {
        const entry = parseLogEntry(line);
        return entry !== undefined && match(entry);
      };
      await agent.waitForLine(isWanted, { what: `the log line "${what}"`, stream: 'stderr', count, timeoutMs });
    },
    async close() {
      await agent.stop({ signal: 'SIGKILL' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function parseLogEntry(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON, so not a log entry.
    return undefined;
  }
}
