import type { TimerHandle, Timers } from './platform';

export interface HealthWatchOptions {
  /** How long the connection must stay open, in ms. */
  healthyAfterMs: number;
  timers: Timers;
  /** Whether every subscription has received its replay on this connection. */
  isReplayDone(): boolean;
  /** Called at most once, when the connection has proved healthy. */
  onHealthy(): void;
}

export interface HealthWatch {
  /** Replay advanced or a subscription went away: checks again once the period is over. */
  replayProgressed(): void;
  stop(): void;
}

/**
 * Decides when a connection has proved healthy, so the reconnect backoff may start over: once it
 * has stayed open `healthyAfterMs` and every subscription's replay is done, whichever comes last.
 * A 'ready' proves nothing: a server that answers 'ready' and then closes every socket (a crash
 * loop, a proxy dropping sockets) would otherwise be redialed at the shortest delay forever, each
 * visit costing it an authentication and a replay.
 */
export function startHealthWatch(options: HealthWatchOptions): HealthWatch {
  let phase: 'too young' | 'awaiting replay' | 'settled' = 'too young';
  let timer: TimerHandle | undefined;

  const check = (): void => {
    // Only once the period is over: before it, this runs for every replayed update.
    if (phase !== 'awaiting replay' || !options.isReplayDone()) return;
    phase = 'settled';
    options.onHealthy();
  };

  timer = options.timers.setTimeout(() => {
    timer = undefined;
    phase = 'awaiting replay';
    check();
  }, options.healthyAfterMs);

  return {
    replayProgressed: check,
    stop() {
      if (timer !== undefined) options.timers.clearTimeout(timer);
      timer = undefined;
      phase = 'settled';
    },
  };
}
