import type { Logger } from '../logger';
import { warningDelayMs, type WarningBackoff } from './warning-backoff';

/**
 * Warns while the server cannot be reached: at the first failed connection, then again with
 * backoff for as long as the client keeps retrying, and says when it is reachable again.
 */
export interface OutageWarnings {
  /** The client scheduled reconnect `attempt` after a failure described by `reason`. */
  retrying(attempt: number, reason: string): void;
  /** The connection is open (authenticated) again. */
  opened(): void;
}

export function createOutageWarnings(options: {
  backoff: WarningBackoff;
  now: () => number;
  log: Logger;
}): OutageWarnings {
  const { backoff, now, log } = options;
  let outage: { sinceMs: number; warnings: number; nextWarningAtMs: number; attempts: number } | undefined;
  return {
    retrying(attempt, reason) {
      outage ??= { sinceMs: now(), warnings: 0, nextWarningAtMs: now(), attempts: 0 };
      outage.attempts += 1;
      if (now() < outage.nextWarningAtMs) return;
      outage.warnings += 1;
      outage.nextWarningAtMs = now() + warningDelayMs(outage.warnings, backoff);
      log.warn('server not reachable; retrying', { attempt, reason, downForMs: now() - outage.sinceMs });
    },
    opened() {
      if (outage === undefined) return;
      log.info('server reachable again', { downForMs: now() - outage.sinceMs, attempts: outage.attempts });
      outage = undefined;
    },
  };
}
