import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { ChildRegistry } from '../child-registry';

/**
 * A redis-server of the bench's own, on a free loopback port, keeping nothing on disk: its
 * CPU time is then the target's alone (read from /proc like the servers'), not mixed with
 * other users of a shared Redis. Stopped by the target; killed by the registry if the
 * harness exits first.
 */
export interface RedisServerProcess {
  readonly pid: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  stop(): Promise<void>;
}

/** redis-server, from PATH unless TIM_BENCH_REDIS_SERVER names another binary. */
function redisServerBinary(): string {
  const override = process.env.TIM_BENCH_REDIS_SERVER;
  return override !== undefined && override !== '' ? override : 'redis-server';
}

const READY_LINE = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;
/** Another process may take the free port between finding it and Redis binding it. */
const START_ATTEMPTS = 3;

export async function startRedisServer(options: { registry: ChildRegistry }): Promise<RedisServerProcess> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnPort(await freeLoopbackPort(), options.registry);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(
    `could not start ${redisServerBinary()}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    { cause: lastError },
  );
}

async function startOnPort(port: number, registry: ChildRegistry): Promise<RedisServerProcess> {
  const child = spawn(
    redisServerBinary(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  registry.add(child);
  /** The end of what it printed, for an error. */
  let recentOutput = '';
  let isStarting = true;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`not ready within ${START_TIMEOUT_MS} ms: ${recentOutput.slice(-500)}`)),
      START_TIMEOUT_MS,
    );
    const onOutput = (chunk: Buffer): void => {
      if (!isStarting) return;
      recentOutput = (recentOutput + chunk.toString()).slice(-2000);
      if (READY_LINE.test(recentOutput)) finish();
    };
    const onExit = (code: number | null): void => fail(new Error(`exited with ${code}: ${recentOutput.slice(-500)}`));
    const onError = (err: Error): void => fail(err);
    const cleanUp = (): void => {
      isStarting = false;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const finish = (): void => {
      cleanUp();
      resolve();
    };
    const fail = (err: Error): void => {
      cleanUp();
      child.kill('SIGKILL');
      reject(err);
    };
    // Drained for the process's whole life, so a chatty Redis never blocks on a full pipe.
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server has no pid');

  return {
    pid,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
