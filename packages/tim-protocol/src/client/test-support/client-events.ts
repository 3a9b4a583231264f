import type { Timers } from '../platform';
import type { TimConnection, TimConnectionEvents } from '../live-connection';
import { withTimeout } from './waiting';

type EventName = keyof TimConnectionEvents;

/** The next `name` event of `sub` that matches, registered before the caller stages it. */
export function nextEvent<K extends EventName>(
  sub: TimConnection,
  name: K,
  matches: (payload: TimConnectionEvents[K]) => boolean = () => true,
  timeoutMs = 2000,
): Promise<TimConnectionEvents[K]> {
  let off = (): void => undefined;
  const arrival = new Promise<TimConnectionEvents[K]>((resolve) => {
    off = sub.on(name, (payload) => {
      if (!matches(payload)) return;
      off();
      resolve(payload);
    });
  });
  return withTimeout(arrival, `a '${String(name)}' event`, timeoutMs).finally(off);
}

/** Resolves when the subscription reaches `state`. */
export function nextState(sub: TimConnection, state: TimConnectionEvents['state']['next']) {
  return nextEvent(sub, 'state', (change) => change.next === state);
}

/** Every payload of `name`, in order. */
export function collect<K extends EventName>(sub: TimConnection, name: K): Array<TimConnectionEvents[K]> {
  const payloads: Array<TimConnectionEvents[K]> = [];
  sub.on(name, (payload) => payloads.push(payload));
  return payloads;
}

/** Real timers that remember which are still pending, to prove nothing is left scheduled. */
export function trackTimers(): Timers & { pendingCount(): number } {
  const pending = new Set<unknown>();
  return {
    setTimeout(callback, delayMs) {
      const handle: unknown = setTimeout(() => {
        pending.delete(handle);
        callback();
      }, delayMs);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
    pendingCount: () => pending.size,
  };
}

/**
 * Timers that run only when the test fires them, for timeouts a test must not wait out:
 * `fire(delayMs)` runs the pending timers scheduled with that delay.
 */
export function manualTimers(): Timers & { fire(delayMs: number): number; pendingDelays(): number[] } {
  let nextHandle = 1;
  const pending = new Map<unknown, { callback: () => void; delayMs: number }>();
  return {
    setTimeout(callback, delayMs) {
      const handle = nextHandle;
      nextHandle += 1;
      pending.set(handle, { callback, delayMs });
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
    },
    fire(delayMs) {
      const due = [...pending].filter(([, timer]) => timer.delayMs === delayMs);
      for (const [handle, timer] of due) {
        pending.delete(handle);
        timer.callback();
      }
      return due.length;
    },
    pendingDelays: () => [...pending.values()].map((timer) => timer.delayMs),
  };
}

/**
 * A clock and timers that move only when the test says: `advance(ms)` runs every timer that
 * falls due on the way, in due order, at its due time; `jump(ms)` moves the clock without
 * running any, as a throttled tab or a suspended laptop sees time pass.
 */
export function virtualTime(): Timers & {
  now(): number;
  advance(ms: number): void;
  jump(ms: number): void;
  pendingCount(): number;
} {
  let nowMs = 0;
  let nextHandle = 1;
  type Pending = [handle: number, timer: { callback: () => void; dueMs: number }];
  const pending = new Map<Pending[0], Pending[1]>();
  /** The timer due first by untilMs; among equals, the one set first. */
  const earliestDue = (untilMs: number): Pending | undefined => {
    let earliest: Pending | undefined;
    for (const entry of pending) {
      const isSooner = earliest === undefined || entry[1].dueMs < earliest[1].dueMs;
      if (entry[1].dueMs <= untilMs && isSooner) earliest = entry;
    }
    return earliest;
  };
  return {
    now: () => nowMs,
    setTimeout(callback, delayMs) {
      const handle = nextHandle;
      nextHandle += 1;
      pending.set(handle, { callback, dueMs: nowMs + Math.max(0, delayMs) });
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    advance(ms) {
      const untilMs = nowMs + ms;
      for (let due = earliestDue(untilMs); due !== undefined; due = earliestDue(untilMs)) {
        pending.delete(due[0]);
        nowMs = Math.max(nowMs, due[1].dueMs);
        due[1].callback();
      }
      nowMs = untilMs;
    },
    jump(ms) {
      nowMs += ms;
    },
    pendingCount: () => pending.size,
  };
}
