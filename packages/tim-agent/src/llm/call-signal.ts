/** The abort signal of one LLM call and the function that unlinks it once the call ended. */
export interface CallSignal {
  signal: AbortSignal;
  /** Aborts this call alone (the parent is untouched): a stream gone idle, a reply stopped. */
  abort(reason?: unknown): void;
  release(): void;
}

/**
 * Derives one call's signal from a long-lived one (the agent's stop signal). The openai SDK
 * adds an abort listener to the signal it is given on every attempt and never removes it, so
 * handing it the long-lived signal leaks a listener per request (and Node prints a plain-text
 * MaxListenersExceededWarning after 11). The SDK gets this short-lived signal instead, and
 * `release()` removes our one listener from the parent. `AbortSignal.any` would link them too,
 * but its derived signals stay registered on the parent until garbage collection (and it has
 * had leak fixes through Node 20 and 22); a listener removed when the call ends is deterministic.
 */
export function createCallSignal(parent: AbortSignal | undefined): CallSignal {
  const controller = new AbortController();
  const call = { signal: controller.signal, abort: (reason?: unknown) => controller.abort(reason) };
  if (parent === undefined) return { ...call, release: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { ...call, release: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { ...call, release: () => parent.removeEventListener('abort', onAbort) };
}
