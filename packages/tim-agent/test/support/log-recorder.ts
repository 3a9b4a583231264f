import { Writable } from 'node:stream';
import winston from 'winston';

export type LogEntry = Record<string, unknown>;

/** A winston logger whose entries a test can read and wait for (level, message and metadata). */
export interface LogRecorder {
  logger: winston.Logger;
  /** Every entry so far, oldest first. */
  readonly entries: LogEntry[];
  /** Resolves with the first entry (from the start) matching `match`; the timeout names `what`. */
  waitFor(what: string, match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** Resolves with every entry matching `match` once there are at least `count`. */
  waitForCount(what: string, match: (entry: LogEntry) => boolean, count: number): Promise<LogEntry[]>;
}

/** Records at `debug` unless told otherwise, so tests can wait on the agent's debug lines. */
export function createLogRecorder(level = 'debug'): LogRecorder {
  const entries: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') entries.push(JSON.parse(line) as LogEntry);
      }
      for (const wake of [...waiters]) wake();
      callback();
    },
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return {
    logger,
    entries,
    async waitForCount(what, match, count) {
      await this.waitFor(`${count} × ${what}`, () => entries.filter(match).length >= count);
      return entries.filter(match);
    },
    waitFor(what, match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = entries.find(match);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const tail = entries.slice(-5).map((entry) => JSON.stringify(entry));
          reject(new Error(`no log entry "${what}" within ${timeoutMs} ms; last entries:\n${tail.join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
