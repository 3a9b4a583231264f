import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ChildRegistry } from '../child-registry';
import { ListeningMessage } from '../ipc';

/** tim-code prints this line when it accepts connections. */
const LISTENING_LINE = /listening on http:\/\/[^\s":]+:(\d+)/;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** Asks the server to exit (closing IPC), then kills it if it is still up after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ForkServerOptions {
  modulePath: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  registry: ChildRegistry;
  /** Time to wait for the server to report its port, in ms. @default 20000 */
  startTimeoutMs?: number;
}

/**
 * Forks a server and waits for its port, reported either over IPC (`{ type: 'listening' }`,
 * the bench's own servers) or as a `listening on http://HOST:PORT` output line (tim-code).
 * Its output is passed on to the harness's stderr.
 */
export async function forkServer(options: ForkServerOptions): Promise<ServerProcess> {
  const child = fork(options.modulePath, options.args ?? [], {
    env: options.env ?? process.env,
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  options.registry.add(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${options.modulePath}.`);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        fail(new Error(`${options.modulePath} did not report a port within ${options.startTimeoutMs ?? 20_000} ms.`)),
      options.startTimeoutMs ?? 20_000,
    );
    const onOutput = (chunk: Buffer): void => {
      process.stderr.write(chunk);
      const match = LISTENING_LINE.exec(chunk.toString());
      if (match?.[1] !== undefined) done(Number(match[1]));
    };
    const onMessage = (message: unknown): void => {
      const listening = ListeningMessage.safeParse(message);
      if (listening.success) done(listening.data.port);
    };
    const onExit = (code: number | null): void =>
      fail(new Error(`${options.modulePath} exited with ${code} before listening.`));
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const done = (value: number): void => {
      cleanUp();
      resolve(value);
    };
    const fail = (err: Error): void => {
      cleanUp();
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

  return {
    child,
    pid,
    port,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      // Closing IPC lets the server exit normally, so a --cpu-prof profile gets written.
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
