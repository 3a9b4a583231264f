/**
 * Promises that resolve when a condition over some state holds. The owner of the state calls
 * `notify()` after every change; each waiter re-checks its condition then.
 */
export interface ConditionWaiters {
  notify(): void;
  /** Resolves once `condition()` holds; rejects after `timeoutMs` with `describeTimeout()`. */
  waitFor(condition: () => boolean, timeoutMs: number, describeTimeout: () => string): Promise<void>;
}

export function createConditionWaiters(): ConditionWaiters {
  const checks = new Set<() => void>();
  return {
    notify() {
      for (const check of [...checks]) check();
    },
    waitFor(condition, timeoutMs, describeTimeout) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!condition()) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(describeTimeout()));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          checks.delete(check);
        };
        checks.add(check);
        check();
      });
    },
  };
}
