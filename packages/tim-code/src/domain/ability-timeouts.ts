import type { Bus } from '../bus/bus';
import type { AbilityStorage } from '../storage/storage';

export interface AbilityTimeoutsOptions {
  storage: AbilityStorage;
  bus: Bus;
  now: () => Date;
  /** How often every call past its deadline is looked for, in ms; a timer per call comes sooner. */
  intervalMs: number;
  /** Timeouts recorded per storage call; a full batch is followed by another at once. */
  batchSize?: number;
  onError: (err: unknown) => void;
  /** Told each timeout it recorded (for metrics). */
  onRecorded?: (count: number) => void;
}

export interface AbilityTimeouts {
  /** A call stored here is due at `deadline`: a sweep runs then, not up to an interval later. */
  due(deadline: Date): void;
  /** Records and publishes the timeouts due now. Never two at once: a request meanwhile runs once after. */
  sweep(): Promise<void>;
  /** Stops the timers and waits for a sweep in progress. */
  stop(): Promise<void>;
}

const DEFAULT_BATCH_SIZE = 100;
/** A deadline's timer fires this much late, so that the call is past it by every clock. */
const DEADLINE_SLACK_MS = 5;

/**
 * Records `timed_out` outcomes for calls past their deadline, in every process: storage decides
 * "only once", so a timeout is stored (and published) by exactly one process. The process that
 * accepted a call sweeps at its deadline; the interval covers calls whose process went away.
 */
export function startAbilityTimeouts(options: AbilityTimeoutsOptions): AbilityTimeouts {
  const { storage, bus, now, onError } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const timers = new Set<NodeJS.Timeout>();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function recordDue(): Promise<void> {
    for (;;) {
      const outcomes = await storage.recordTimeouts(now(), batchSize);
      for (const update of outcomes) {
        bus.publish(update.spaceId, { kind: 'update', update }).catch(onError);
      }
      if (outcomes.length > 0) options.onRecorded?.(outcomes.length);
      if (outcomes.length < batchSize || stopped) return;
    }
  }

  function sweep(): Promise<void> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await recordDue().catch(onError);
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const interval = setInterval(() => void sweep(), options.intervalMs);
  interval.unref();

  return {
    due(deadline) {
      if (stopped) return;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          void sweep();
        },
        Math.max(0, deadline.getTime() - now().getTime()) + DEADLINE_SLACK_MS,
      );
      timer.unref();
      timers.add(timer);
    },
    sweep,
    async stop() {
      stopped = true;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await running;
    },
  };
}
