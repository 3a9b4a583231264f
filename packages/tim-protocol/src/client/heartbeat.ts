import { readClock, type TimerHandle, type Timers } from './platform';

/** Intervals without any frame after which the server is taken for dead. */
export const SILENT_INTERVALS = 2;

export interface HeartbeatOptions {
  /** Ping interval, in ms. */
  intervalMs: number;
  timers: Timers;
  sendPing(): void;
  /** Nothing arrived for SILENT_INTERVALS intervals; the heartbeat has stopped. */
  onSilence(silentMs: number): void;
}

export interface Heartbeat {
  /** A frame arrived: the server is alive. */
  heard(): void;
  stop(): void;
}

/**
 * Watches an open connection from the client's side, where WebSocket ping frames are out of
 * reach: a `ping` frame every interval, and silence declared once no frame at all arrived for
 * two intervals. Any frame counts, so a pong queued behind a burst of updates is no false alarm.
 * One timer, set for the sooner of the next ping and the deadline; `heard` only notes the
 * time, so a busy connection costs no timer work per frame.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { intervalMs, timers } = options;
  const silentLimitMs = SILENT_INTERVALS * intervalMs;
  const startMs = readClock(timers);
  let lastHeardMs = startMs;
  let nextPingMs = startMs + intervalMs;
  let dueMs = nextPingMs;
  let timer: TimerHandle | undefined;

  const schedule = (nowMs: number): void => {
    dueMs = Math.min(nextPingMs, lastHeardMs + silentLimitMs);
    timer = timers.setTimeout(tick, Math.max(1, dueMs - nowMs));
  };

  function tick(): void {
    timer = undefined;
    const nowMs = readClock(timers);
    // A timer this late means this page was throttled or suspended, not that the server went
    // quiet: judge the server on a fresh ping instead.
    if (nowMs - dueMs > intervalMs / 2) lastHeardMs = Math.max(lastHeardMs, nowMs - intervalMs);
    const silentMs = nowMs - lastHeardMs;
    if (silentMs >= silentLimitMs) {
      options.onSilence(silentMs);
      return;
    }
    if (nowMs >= nextPingMs) {
      options.sendPing();
      nextPingMs = nowMs + intervalMs;
    }
    schedule(nowMs);
  }

  schedule(startMs);
  return {
    heard() {
      lastHeardMs = readClock(timers);
    },
    stop() {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}
