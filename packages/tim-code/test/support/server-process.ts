import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { API_PREFIX, WS_PATH } from '@tim/protocol';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../src/server-node-flags';

/** The built CLI; turbo's test task builds first, by hand run `pnpm --filter @tim/code build`. */
export const CLI_PATH = join(__dirname, '..', '..', 'dist', 'cli.js');

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`pnpm --filter @tim/code build\` first.`);
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  wsUrl: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Spawns `node <production flags> dist/cli.js serve` with the production environment on a free port and waits for its listening line. */
export function spawnServer(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI_PATH, 'serve'], {
    env: { ...SERVER_ENV, PATH: process.env.PATH ?? '', TIM_PORT: '0', TIM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`Timed out after ${timeoutMs} ms waiting for "listening on" from the server; stderr: ${stderr}`),
      );
    }, timeoutMs);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code} before listening; stderr: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      const baseUrl = match[1];
      resolve({ child, baseUrl, wsUrl: `${baseUrl.replace(/^http/, 'ws')}${WS_PATH}`, exited, stderr: () => stderr });
    });
  });
}

/** POSTs JSON to a spawned server's API (`path` relative to /api/v1), with a session key if given. */
export async function postToServer(
  server: ServerProcess,
  path: string,
  body: unknown,
  key?: string,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['authorization'] = `Bearer ${key}`;
  const response = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Server processes a test file spawns, each test's stopped (SIGTERM, awaited) after it, along
 * with whatever else the test registered to close first (sockets).
 */
export function useServerProcesses() {
  const running: ServerProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  async function stopServers(): Promise<void> {
    await Promise.all(closers.splice(0).map((close) => close()));
    for (const server of running.splice(0)) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  afterEach(stopServers);
  return {
    async spawn(env: Record<string, string>): Promise<ServerProcess> {
      const server = await spawnServer(env);
      running.push(server);
      return server;
    },
    closeAfter(closable: { close(): Promise<void> }): void {
      closers.push(() => closable.close());
    },
    stopServers,
  };
}
