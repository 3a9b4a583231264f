import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForListening, type ManagedProcess } from '@tim/process';
import { API_PREFIX, WS_PATH } from '@tim/protocol';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../src/server-node-flags';

/** The built CLI; turbo's test task builds first, by hand run `pnpm --filter @tim/code build`. */
export const CLI_PATH = join(__dirname, '..', '..', 'dist', 'cli.js');

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`pnpm --filter @tim/code build\` first.`);
}

export interface ServerProcess extends ManagedProcess {
  baseUrl: string;
  wsUrl: string;
}

/**
 * Starts `tim-code serve` as production runs it (its node flags and environment), with
 * PATH and `env` only, on a free port, and waits for its listening line.
 */
export async function spawnServer(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  const server = await startProcess({
    name: 'tim-code',
    args: [...SERVER_NODE_FLAGS, CLI_PATH, 'serve'],
    env: timCodeEnv(env),
    ready: (started) => waitForListening(started, { timeoutMs }),
  });
  return { ...server, baseUrl: server.ready, wsUrl: `${server.ready.replace(/^http/, 'ws')}${WS_PATH}` };
}

/** The environment of a server the tests start: production's, PATH, port 0, warnings only, then `env`. */
export function timCodeEnv(env: Record<string, string>): Record<string, string> {
  assertBuilt();
  return { ...SERVER_ENV, PATH: process.env.PATH ?? '', TIM_PORT: '0', TIM_LOG_LEVEL: 'warn', ...env };
}

/** POSTs JSON to a spawned server's API (`path` relative to /api/v1), with a session key if given. */
export async function postToServer(
  server: ServerProcess,
  path: string,
  body: unknown,
  key?: string,
): Promise<{ status: number; body: unknown }> {
  return callServer(server, 'POST', path, key, body);
}

/** Any call to a spawned server's API (`path` relative to /api/v1); `body` is undefined for an empty answer. */
export async function callServer(
  server: ServerProcess,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
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
    for (const server of running.splice(0)) await server.stop();
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
