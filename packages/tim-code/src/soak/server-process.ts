import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServerProcessOptions {
  /** Added to the parent's environment. */
  env: Record<string, string>;
  /** Time the server has to print its `listening on` line, in ms. */
  startTimeoutMs: number;
}

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  wsUrl: string;
  /** Resident set size of the server process, in bytes, from /proc/<pid>/status. */
  readRssBytes(): Promise<number>;
  /** Whether the process has exited (on its own or by `stop`). */
  hasExited(): boolean;
  /** The last lines the server wrote, for a failure report. */
  recentOutput(): string[];
  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  stop(graceMs: number): Promise<void>;
  /** Last resort from a synchronous exit handler. */
  killNow(): void;
}

const LISTENING = /listening on (http:\/\/[^\s"'}]+)/;
const KEPT_LINES = 40;

/** The built CLI beside this file's directory: dist/soak/ → dist/cli.js. */
export function builtCliPath(): string {
  return join(__dirname, '..', 'cli.js');
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Spawns `node dist/cli.js serve` and resolves with its URL once it logs
 * `listening on http://HOST:PORT`. Its output is drained continuously so a chatty server
 * never blocks on a full pipe.
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [builtCliPath(), 'serve'], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `the server did not print "listening on" within ${options.startTimeoutMs} ms:\n${lines.join('\n')}`,
          ),
        ),
      options.startTimeoutMs,
    );

    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
        const match = settled ? null : LISTENING.exec(line);
        if (match?.[1] === undefined || child.pid === undefined) continue;
        settled = true;
        clearTimeout(timer);
        resolve(describe(child, child.pid, match[1].replace(/\/$/, ''), lines));
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (err) => fail(err));
    child.once('exit', (code, signal) =>
      fail(new Error(`the server exited before listening (code ${code}, signal ${signal}):\n${lines.join('\n')}`)),
    );
  });
}

function describe(child: ChildProcess, pid: number, baseUrl: string, lines: string[]): ServerProcess {
  return {
    pid,
    baseUrl,
    wsUrl: `${baseUrl.replace(/^http/, 'ws')}/api/v1/ws`,
    async readRssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
      return Number(match[1]) * 1024;
    },
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    recentOutput: () => [...lines],
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = waitForExit(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    killNow() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
