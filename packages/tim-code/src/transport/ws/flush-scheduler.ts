/** Something with frames waiting to be written. */
export interface Flushable {
  flush(): void;
}

export interface FlushScheduler {
  /** Flushes `target` once the current task (and its microtasks so far) is done. */
  schedule(target: Flushable): void;
}

/**
 * Batches socket writes: a queue that receives frames asks to be flushed instead of writing at
 * once, so every frame due to one socket within a task — e.g. all updates the bus hands over
 * in one drain — leaves in one write. Most of a naive fan-out's cost is one kernel write per
 * socket per frame.
 *
 * A microtask rather than setImmediate: the bus delivers a whole batch in one callback, so the
 * batch is complete when that callback returns, and a later macrotask would only add latency.
 * Queued through a resolved promise, not queueMicrotask, which wraps every callback in an
 * AsyncResource: once per message that is measurable.
 */
const RESOLVED = Promise.resolve();

export function createFlushScheduler(): FlushScheduler {
  let due: Flushable[] = [];
  let isScheduled = false;

  const flushAll = (): void => {
    isScheduled = false;
    const batch = due;
    due = [];
    // Each flush catches its own socket's failures; one bad socket never stops the others.
    for (const target of batch) target.flush();
  };

  return {
    schedule(target) {
      due.push(target);
      if (isScheduled) return;
      isScheduled = true;
      void RESOLVED.then(flushAll);
    },
  };
}
