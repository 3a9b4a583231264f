import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const REPO = resolve(__dirname, '../../../../..');
const CLI = join(REPO, 'packages/tim-code/dist/cli.js');
const WEB_DIR = join(REPO, 'packages/tim-web/dist');
const LISTENING = /listening on (http:\/\/[^\s"'}]+)/;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;

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
    ...options.env,
  };
  let { child, baseUrl } = await spawnServer({ ...env, TIM_PORT: '0' });
  const port = new URL(baseUrl).port;

  return {
    baseUrl,
    stop: () => stopProcess(child),
    async restart() {
      await stopProcess(child);
      ({ child, baseUrl } = await spawnServer({ ...env, TIM_PORT: port }));
    },
    async close() {
      await stopProcess(child);
      await rm(dataDir, { recursive: true, force: true });
    },
    async addAgent(nick) {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'agent', 'add', nick], { env });
      const token = stdout.trim().split('\n').pop()?.trim();
      if (token === undefined || token === '')
        throw new Error(`tim-code agent add ${nick} printed no token:\n${stdout}`);
      return token;
    },
    freeze: () => signal(child, 'SIGSTOP'),
    thaw: () => signal(child, 'SIGCONT'),
  };
}

function spawnServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tim-code did not print "listening on" within ${START_TIMEOUT_MS} ms:\n${output.join('')}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString('utf8'));
      const match = LISTENING.exec(output.join(''));
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      // Keep draining, so a chatty server never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      resolvePromise({ child, baseUrl: match[1].replace(/\/$/, '') });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`tim-code exited before listening (code ${code}, signal ${signal}):\n${output.join('')}`));
    });
  });
}

function signal(child: ChildProcess, name: 'SIGSTOP' | 'SIGCONT'): void {
  if (!child.kill(name)) throw new Error(`Could not send ${name} to tim-code (pid ${child.pid}).`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  // A frozen process would hold SIGTERM until the grace period ends in SIGKILL.
  child.kill('SIGCONT');
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
