import { errorMessage } from '../error-text';
import type { Storage } from './storage';

/**
 * The store could not be reached (refused, reset, timed out, shutting down). Nothing is
 * half-written: a transaction either committed or not, and a retry with the same
 * `clientMsgId` cannot store a message twice.
 */
export class StoreUnavailableError extends Error {
  constructor(options: { cause: unknown }) {
    super(`The store is not answering: ${errorMessage(options.cause)}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Wraps every method of a store so that failures `isOutage` recognises reject with
 * StoreUnavailableError, which callers answer with 503 and Retry-After instead of 500.
 */
export function reportingOutages<S extends Storage>(storage: S, isOutage: (err: unknown) => boolean): S {
  const translate = (err: unknown): unknown => (isOutage(err) ? new StoreUnavailableError({ cause: err }) : err);
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(storage)) {
    wrapped[name] =
      typeof method === 'function'
        ? (...args: unknown[]): Promise<unknown> =>
            (method as (...a: unknown[]) => Promise<unknown>)
              .apply(storage, args)
              .catch((err: unknown) => Promise.reject(translate(err)))
        : method;
  }
  return wrapped as unknown as S;
}
