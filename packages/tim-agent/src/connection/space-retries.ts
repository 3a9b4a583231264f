import type { Logger } from '../logger';
import { warningDelayMs, type WarningBackoff } from './warning-backoff';

/**
 * Subscribes again, with backoff, to a space the server refused (it does not exist yet, or
 * the agent may not join it), warning at every refusal until it is joined.
 */
export interface SpaceRetries {
  /** The server refused to subscribe `spaceId` with `code`; warns and retries later. */
  refused(spaceId: string, code: string): void;
  /** The server confirmed `spaceId`; ends its retries, saying so when there were any. */
  subscribed(spaceId: string): void;
  /** Cancels every pending retry. */
  stop(): void;
}

export interface SpaceRetriesOptions {
  /** Asks the connection to subscribe `spaceId` (now, or at the next 'ready'). */
  subscribe: (spaceId: string) => void;
  backoff: WarningBackoff;
  log: Logger;
}

/**
 * The codes that mean the agent may not read the space: the server answers a private space of
 * others exactly like one that does not exist (not_found), and 'removed' ends a subscription.
 */
const NO_ACCESS_CODES = new Set(['not_found', 'removed']);

export function createSpaceRetries({ subscribe, backoff, log }: SpaceRetriesOptions): SpaceRetries {
  const refusals = new Map<string, { count: number; timer: NodeJS.Timeout }>();
  return {
    refused(spaceId, code) {
      const count = (refusals.get(spaceId)?.count ?? 0) + 1;
      // Said once per streak at error level: a persona naming a space it cannot read is a
      // mistake an operator must see; the agent keeps its other spaces and asks again.
      if (count === 1 && NO_ACCESS_CODES.has(code)) {
        log.error('space not accessible: it does not exist, or it is private and the agent is not a member', {
          spaceId,
          code,
          hint: `Check the persona's spaces, or have an owner or admin of "${spaceId}" invite the agent by its nick.`,
        });
      }
      const retryInMs = warningDelayMs(count, backoff);
      log.warn('space not joined; retrying', { spaceId, code, refusals: count, retryInMs });
      const timer = setTimeout(() => subscribe(spaceId), retryInMs);
      refusals.set(spaceId, { count, timer });
    },
    subscribed(spaceId) {
      const refusal = refusals.get(spaceId);
      if (refusal === undefined) return;
      clearTimeout(refusal.timer);
      refusals.delete(spaceId);
      log.info('space joined after refusals', { spaceId, refusals: refusal.count });
    },
    stop() {
      for (const { timer } of refusals.values()) clearTimeout(timer);
      refusals.clear();
    },
  };
}
