import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitForListening, type ManagedProcess, type StartedProcess } from '@tim/process';

const execFileAsync = promisify(execFile);

const REPO = resolve(__dirname, '../../../../..');
const CLI = join(REPO, 'packages/tim-code/dist/cli.js');
const WEB_DIR = join(REPO, 'packages/tim-web/dist');

export interface TimServer {
  /** `http://127.0.0.1:PORT`; stays the same across `restart()`. */
  baseUrl: string;
  /** Stops the process (SIGTERM); the data directory stays for `restart()`. */
  stop(): Promise<void>;
  /** Starts a new process on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops the process and removes the data directory. */
  close(): Promise<void>;
  /** Provisions an agent with `tim-code agent add` and returns its token. */
  addAgent(nick: string): Promise<string>;
  /** Creates an invite code with `tim-code invite create` (for TIM_REGISTRATION=invite) and returns it. */
  createInvite(uses?: number): Promise<string>;
  /**
   * Freezes the process (SIGSTOP): its sockets stay open and the kernel still accepts TCP
   * connections, but nothing answers, as with a hung or half-open server.
   */
  freeze(): void;
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void;
}

export interface StartTimServerOptions {
  /** Extra environment for the server, e.g. `{ TIM_HEARTBEAT_MS: '1000' }`. */
  env?: Record<string, string>;
}

/**
 * Runs the real tim-code CLI serving the built web client (TIM_WEB_DIR), on a free port and a
 * temporary data directory. Rate limits are raised so tests can seed thousands of messages;
 * `env` adds or overrides TIM_* variables.
 */
export async function startTimServer(options: StartTimServerOptions = {}): Promise<TimServer> {
  for (const [path, build] of [
    [CLI, 'pnpm --filter @tim/code build'],
    [join(WEB_DIR, 'index.html'), 'pnpm --filter @tim/web build'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`The e2e tests need ${path}; run \`${build}\` (or \`pnpm build\`) first.`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tim-web-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TIM_HOST: '127.0.0.1',
    TIM_DATA_DIR: dataDir,
    TIM_WEB_DIR: WEB_DIR,
    TIM_LOG_LEVEL: 'warn',
    TIM_RATE_MESSAGES: '100000/1s',
    TIM_RATE_REGISTER: '1000/1m',
    TIM_RATE_LOGIN: '1000/1m',
    TIM_RATE_SPACES: '100000/1s',
    ...options.env,
  };
  let server = await startServer({ ...env, TIM_PORT: '0' });
  const baseUrl = server.ready;
  const port = new URL(baseUrl).port;

  return {
    baseUrl,
    async stop() {
      await server.stop();
    },
    async restart() {
      await server.stop();
      server = await startServer({ ...env, TIM_PORT: port });
    },
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
    async addAgent(nick) {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'agent', 'add', nick], { env });
      const token = stdout.trim().split('\n').pop()?.trim();
      if (token === undefined || token === '')
        throw new Error(`tim-code agent add ${nick} printed no token:\n${stdout}`);
      return token;
    },
    async createInvite(uses = 1) {
      const args = [CLI, 'invite', 'create', '--uses', String(uses)];
      const { stdout } = await execFileAsync(process.execPath, args, { env });
      const code = stdout.trim().split('\n').pop()?.trim();
      if (code === undefined || code === '') throw new Error(`tim-code invite create printed no code:\n${stdout}`);
      return code;
    },
    freeze: () => signal(server, 'SIGSTOP'),
    thaw: () => signal(server, 'SIGCONT'),
  };
}

function startServer(env: NodeJS.ProcessEnv): Promise<StartedProcess<string>> {
  return startProcess({ name: 'tim-code', args: [CLI, 'serve'], env, ready: (server) => waitForListening(server) });
}

function signal(server: ManagedProcess, name: 'SIGSTOP' | 'SIGCONT'): void {
  if (!server.child.kill(name)) throw new Error(`Could not send ${name} to tim-code (pid ${server.pid}).`);
}
