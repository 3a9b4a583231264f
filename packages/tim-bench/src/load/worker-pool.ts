import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { builtModulePath } from '../built-path';
import type { ChildRegistry } from '../child-registry';
import {
  WorkerReply,
  type ClientKind,
  type ConnectedReply,
  type SubscriberSpec,
  type WindowCommand,
  type WindowReport,
  type WorkerCommand,
  type WorkerReport,
} from '../ipc';

export interface WorkerPool {
  /** Spreads the subscribers evenly over the workers and connects them. */
  connect(options: {
    clientKind: ClientKind;
    /** One per server process; subscribers are spread evenly over them. */
    urls: string[];
    subscribers: SubscriberSpec[];
    /** Connections each worker opens at once. */
    concurrency: number;
    /** Every n-th subscriber of each worker reads the stream frames; the others count them. */
    readStreamsEvery: number;
    timeoutMs: number;
  }): Promise<ConnectedReply[]>;
  /**
   * Waits until every subscriber has every acknowledged update (or the timeout), then reports.
   * With `resetAfter`, the workers then start their latency, delivery and CPU figures afresh.
   */
  collect(
    finalIds: Record<string, number>,
    options: { timeoutMs: number; resetAfter: boolean },
  ): Promise<WorkerReport[]>;
  /** Opens or closes the streaming scenario's measured window; each worker's figures since the last. */
  window(action: WindowCommand['action']): Promise<WindowReport[]>;
  close(): Promise<void>;
}

/** Time a worker has to answer a window command, which it does at once, in ms. */
const WINDOW_ANSWER_MS = 30_000;

/** Forks `count` subscriber workers (2 in the bench: the load generator's own processes). */
export function startWorkerPool(options: { count: number; registry: ChildRegistry }): WorkerPool {
  const workers = Array.from({ length: options.count }, () => {
    const child = fork(builtModulePath('load/subscriber-worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    options.registry.add(child);
    return child;
  });

  return {
    async connect({ subscribers, ...rest }) {
      return Promise.all(
        workers.map((worker, index) =>
          request(
            worker,
            {
              type: 'connect',
              ...rest,
              subscribers: subscribers.filter((_, position) => position % workers.length === index),
            },
            rest.timeoutMs + 30_000,
          ).then((reply) => expectType(reply, 'connected')),
        ),
      );
    },
    async collect(finalIds, { timeoutMs, resetAfter }) {
      const replies = await Promise.all(
        workers.map((worker) =>
          request(worker, { type: 'collect', finalIds, timeoutMs, resetAfter }, timeoutMs + 30_000),
        ),
      );
      return replies.map((reply) => expectType(reply, 'collected').report);
    },
    async window(action) {
      const replies = await Promise.all(
        workers.map((worker) => request(worker, { type: 'window', action }, WINDOW_ANSWER_MS)),
      );
      return replies.map((reply) => expectType(reply, 'window').report);
    },
    async close() {
      await Promise.all(
        workers.map(async (worker) => {
          if (worker.exitCode !== null || worker.signalCode !== null) return;
          const exited = once(worker, 'exit');
          if (worker.connected) worker.send({ type: 'close' } satisfies WorkerCommand);
          const timer = setTimeout(() => worker.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

/** Sends one command and resolves with the worker's next reply. */
function request(worker: ChildProcess, command: WorkerCommand, timeoutMs: number): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`worker did not answer "${command.type}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (raw: unknown): void => {
      const reply = WorkerReply.safeParse(raw);
      if (!reply.success) finish(new Error(`malformed reply from a worker: ${reply.error.message}`));
      else if (reply.data.type === 'error') finish(new Error(`worker failed: ${reply.data.message}`));
      else finish(undefined, reply.data);
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`worker exited with ${code} during "${command.type}"`));
    const finish = (err: Error | undefined, reply?: WorkerReply): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      if (err !== undefined || reply === undefined) reject(err ?? new Error('no reply'));
      else resolve(reply);
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send(command);
  });
}

function expectType<T extends WorkerReply['type']>(reply: WorkerReply, type: T): Extract<WorkerReply, { type: T }> {
  if (reply.type !== type) throw new Error(`expected "${type}" from a worker, got "${reply.type}"`);
  return reply as Extract<WorkerReply, { type: T }>;
}
