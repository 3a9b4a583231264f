/**
 * What a target started, stopped in reverse order: servers before the Redis and the database
 * they use. A stop that fails does not keep the others running.
 */
export interface Closers {
  add(close: () => Promise<void>): void;
  /** Runs every stop, last added first; throws the first failure after running them all. */
  closeAll(): Promise<void>;
}

export function createClosers(): Closers {
  const closes: Array<() => Promise<void>> = [];
  return {
    add(close) {
      closes.push(close);
    },
    async closeAll() {
      const failures: unknown[] = [];
      for (let close = closes.pop(); close !== undefined; close = closes.pop()) {
        try {
          await close();
        } catch (err) {
          failures.push(err);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** Runs `start`; when it fails, stops what it had started, then rethrows its error. */
export async function startOrClose<T>(closers: Closers, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await closers.closeAll().catch((closeErr: unknown) => {
      process.stderr.write(
        `bench: stopping after a failed start: ${closeErr instanceof Error ? closeErr.message : String(closeErr)}\n`,
      );
    });
    throw err;
  }
}
