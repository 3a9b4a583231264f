import { createServer, type AddressInfo } from 'node:net';
import { startProcess } from '@tim/process';

/**
 * A redis-server of the bench's own, on a free loopback port, keeping nothing on disk: its
 * CPU time is then the target's alone (read from /proc like the servers'), not mixed with
 * other users of a shared Redis. Stopped by the target; killed if the harness exits first.
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

const START_TIMEOUT_MS = 10_000;
/** Another process may take the free port between finding it and Redis binding it. */
const START_ATTEMPTS = 3;

export async function startRedisServer(): Promise<RedisServerProcess> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnPort(await freeLoopbackPort());
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(
    `${START_ATTEMPTS} attempts to start ${redisServerBinary()} failed, the last: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    { cause: lastError },
  );
}

async function startOnPort(port: number): Promise<RedisServerProcess> {
  const server = await startProcess({
    name: 'redis-server',
    command: redisServerBinary(),
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: (started) => started.waitForLine(/Ready to accept connections/, { timeoutMs: START_TIMEOUT_MS }),
  });
  return {
    pid: server.pid,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await server.stop();
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
