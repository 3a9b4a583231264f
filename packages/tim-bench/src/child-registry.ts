import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * The harness's workers and temporary directories are registered here, so that an exit, a
 * signal or an uncaught error never leaves a worker running. Servers are started with
 * @tim/process, which kills them when the harness exits (killChildrenOnExit ends a signal
 * with process.exit for that).
 */
export interface ChildRegistry {
  add(child: ChildProcess): void;
  /** A temporary directory a child writes into, removed by `killAll` if still there. */
  addTempDir(path: string): void;
  /** Kills every registered child still running and removes the temporary directories
   * (SIGKILL and rmSync: synchronous, safe in 'exit'). */
  killAll(): void;
}

export function createChildRegistry(): ChildRegistry {
  const children = new Set<ChildProcess>();
  const tempDirs = new Set<string>();
  return {
    add(child) {
      children.add(child);
      child.once('exit', () => children.delete(child));
    },
    addTempDir(path) {
      tempDirs.add(path);
    },
    killAll() {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      children.clear();
      for (const path of tempDirs) rmSync(path, { recursive: true, force: true });
      tempDirs.clear();
    },
  };
}

/** Kills the registry's children when this process exits, is interrupted or fails. */
export function killChildrenOnExit(registry: ChildRegistry): void {
  process.on('exit', () => registry.killAll());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      registry.killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    registry.killAll();
    process.stderr.write(`bench: ${err.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

/** For a child process: exits when the harness goes away (its IPC channel closes). */
export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(0));
}
