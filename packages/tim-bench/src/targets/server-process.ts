import { basename } from 'node:path';
import { startProcess, waitForListening } from '@tim/process';
import { ListeningMessage } from '../ipc';

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  hasExited(): boolean;
  /** Asks the server to exit (closing IPC), then kills it if it is still up after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ForkServerOptions {
  modulePath: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /**
   * How the server tells its port: an IPC message `{ type: 'listening', port }` (the bench's
   * own servers) or a `listening on http://HOST:PORT` output line (tim-code).
   */
  reportsPort: 'ipc' | 'listening-line';
  /** Time to wait for the server to report its port, in ms. @default 20000 */
  startTimeoutMs?: number;
}

/**
 * Starts a Node server with an IPC channel and waits for its port. Its output is passed on
 * to the harness's stderr; it is killed if the harness exits first.
 */
export async function forkServer(options: ForkServerOptions): Promise<ServerProcess> {
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const server = await startProcess({
    name: basename(options.modulePath),
    args: [...(options.execArgv ?? []), options.modulePath, ...(options.args ?? [])],
    env: options.env ?? process.env,
    ipc: true,
    onLine: (line) => process.stderr.write(`${line}\n`),
    ready: async (started) => {
      if (options.reportsPort === 'listening-line')
        return Number(new URL(await waitForListening(started, { timeoutMs })).port);
      return started.waitForMessage(
        (message) => {
          const listening = ListeningMessage.safeParse(message);
          return listening.success ? listening.data.port : undefined;
        },
        { timeoutMs, what: 'its port' },
      );
    },
  });

  return {
    pid: server.pid,
    port: server.ready,
    hasExited: server.hasExited,
    async stop(graceMs = 5000) {
      // Closing IPC lets the server exit normally, so a --cpu-prof profile gets written.
      await server.stop({ signal: 'disconnect', graceMs });
    },
  };
}
