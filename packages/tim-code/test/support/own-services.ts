import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, type ManagedProcess } from '@tim/process';

/*
 * Redis and PostgreSQL servers of a test's own, on free loopback ports, that the test stops and
 * starts again to stand for an outage. The machine's shared instances are never stopped.
 */

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A service the test can take down and bring back on the same port. */
export interface OwnService {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnService> {
  const port = await freePort();
  let server: ManagedProcess | undefined;

  async function start(): Promise<void> {
    server = await startProcess({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ready: (started) => started.waitForLine(/Ready to accept connections/, { timeoutMs: 10_000 }),
    });
  }

  async function stop(): Promise<void> {
    await server?.stop({ signal: 'SIGKILL' });
    server = undefined;
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, close: stop };
}

/** The newest installed PostgreSQL's programs (Debian keeps them out of PATH). */
async function postgresBinDir(): Promise<string> {
  const fromEnv = process.env.TIM_TEST_PG_BINDIR;
  if (fromEnv !== undefined) return fromEnv;
  const versions = (await readdir('/usr/lib/postgresql'))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error('No PostgreSQL under /usr/lib/postgresql; set TIM_TEST_PG_BINDIR.');
  return join('/usr/lib/postgresql', newest, 'bin');
}

export async function startOwnPostgres(): Promise<OwnService> {
  const [bin, port, dataDir] = await Promise.all([
    postgresBinDir(),
    freePort(),
    mkdtemp(join(tmpdir(), 'tim-test-pg-')),
  ]);
  // PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dataDir, Number(stdout.trim()), Number(group.trim()));
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args);

  await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async (): Promise<void> => {
    await pg('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dataDir, 'server.log'), '-w', 'start']);
  };
  const stop = async (): Promise<void> => {
    await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async close() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
