import type { AbilityOutcomeEvent } from '@tim/protocol';

/**
 * The outcomes heard in the agent's spaces, so that the agent can wait for the outcome of a
 * call it made. An outcome may arrive before the call's HTTP answer does (an agent answering
 * its own call is quick), so recent outcomes are kept and a wait finds them.
 */
export interface CallOutcomes {
  record(spaceId: string, outcome: AbilityOutcomeEvent): void;
  has(spaceId: string, callId: number): boolean;
  /** Resolves with the outcome, or undefined after `timeoutMs` or once `signal` aborts. */
  wait(
    spaceId: string,
    callId: number,
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<AbilityOutcomeEvent | undefined>;
}

export function createCallOutcomes(capacity = 500): CallOutcomes {
  const recent = new Map<string, AbilityOutcomeEvent>();
  const waiters = new Map<string, (outcome: AbilityOutcomeEvent) => void>();
  const keyOf = (spaceId: string, callId: number): string => `${spaceId}\u0000${callId}`;

  return {
    record(spaceId, outcome) {
      const key = keyOf(spaceId, outcome.callId);
      recent.set(key, outcome);
      if (recent.size > capacity) recent.delete(recent.keys().next().value ?? key);
      waiters.get(key)?.(outcome);
    },
    has(spaceId, callId) {
      return recent.has(keyOf(spaceId, callId));
    },
    wait(spaceId, callId, { timeoutMs, signal }) {
      const key = keyOf(spaceId, callId);
      const known = recent.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const done = (outcome: AbilityOutcomeEvent | undefined): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          waiters.delete(key);
          resolve(outcome);
        };
        const onAbort = (): void => done(undefined);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.set(key, done);
      });
    },
  };
}
