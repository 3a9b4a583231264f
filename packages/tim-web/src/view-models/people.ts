import type { Activity, ActivityEvent, PresenceEvent, Timite } from '@tim/protocol';

export interface PeopleOptions {
  /** How long a typing/thinking notice lasts without being repeated, in ms. @default 8000 */
  activityTtlMs?: number;
}

interface ActivityEntry {
  timite: Timite;
  activity: Exclude<Activity, 'idle'>;
  atMs: number;
}

/**
 * Who is in the current space and what they are doing, from presence and activity events.
 *
 * Activity is ephemeral and a peer may vanish without sending `idle`, so a notice expires
 * after `activityTtlMs`; a message from a timite also ends their notice.
 */
export class People {
  readonly activityTtlMs: number;
  #online = new Map<number, Timite>();
  #activity = new Map<number, ActivityEntry>();

  constructor(options: PeopleOptions = {}) {
    this.activityTtlMs = options.activityTtlMs ?? 8000;
  }

  /** Replaces the list with the space's presence answer. */
  reset(timites: readonly Timite[]): void {
    this.#online = new Map(timites.map((timite) => [timite.id, timite]));
    this.#activity.clear();
  }

  applyPresence(event: PresenceEvent): void {
    if (event.state === 'online') {
      this.#online.set(event.timite.id, event.timite);
    } else {
      this.#online.delete(event.timite.id);
      this.#activity.delete(event.timite.id);
    }
  }

  applyActivity(event: ActivityEvent, nowMs: number): void {
    if (event.activity === 'idle') {
      this.#activity.delete(event.timite.id);
    } else {
      this.#activity.set(event.timite.id, { timite: event.timite, activity: event.activity, atMs: nowMs });
    }
  }

  /** A message from this timite ends whatever they were doing. */
  noteMessageFrom(timiteId: number): void {
    this.#activity.delete(timiteId);
  }

  /** Online timites, people first, then by nick. */
  online(): Timite[] {
    return [...this.#online.values()].sort(
      (a, b) => (a.kind === b.kind ? 0 : a.kind === 'human' ? -1 : 1) || a.nick.localeCompare(b.nick),
    );
  }

  /** Lines like "Jarvis is thinking…", without the reader's own activity. */
  activityLines(options: { nowMs: number; myId?: number }): string[] {
    const lines: string[] = [];
    for (const entry of this.#activity.values()) {
      if (entry.timite.id === options.myId || options.nowMs - entry.atMs > this.activityTtlMs) continue;
      lines.push(`${entry.timite.nick} is ${entry.activity}…`);
    }
    return lines.sort();
  }
}

/**
 * Decides when keystrokes become a `typing` activity frame: at most one per `intervalMs`,
 * so a fast typist costs a frame every few seconds, not one per key.
 */
export class TypingThrottle {
  readonly intervalMs: number;
  #lastSentMs: number | undefined;

  constructor(options: { intervalMs?: number } = {}) {
    this.intervalMs = options.intervalMs ?? 3000;
  }

  /** True when a `typing` frame should go out now. */
  shouldSend(nowMs: number): boolean {
    if (this.#lastSentMs !== undefined && nowMs - this.#lastSentMs < this.intervalMs) return false;
    this.#lastSentMs = nowMs;
    return true;
  }

  /** After `idle` (message sent, draft cleared) the next keystroke announces typing again. */
  reset(): void {
    this.#lastSentMs = undefined;
  }
}
