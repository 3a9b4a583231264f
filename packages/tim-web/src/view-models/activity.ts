import type { Activity, ActivityEvent, Timite } from '@tim/protocol';

export interface ActivityNoticesOptions {
  /** How long a typing/thinking notice lasts without being repeated, in ms. @default 8000 */
  activityTtlMs?: number;
}

interface ActivityEntry {
  timite: Timite;
  activity: Exclude<Activity, 'idle'>;
  atMs: number;
}

/**
 * What others in the open space are doing ("Jarvis is thinking…"), from activity events.
 *
 * Activity is ephemeral and a peer may vanish without sending `idle`, so a notice expires
 * after `activityTtlMs`; a message from a timite, or their leaving, ends their notice.
 */
export class ActivityNotices {
  readonly activityTtlMs: number;
  #activity = new Map<number, ActivityEntry>();

  constructor(options: ActivityNoticesOptions = {}) {
    this.activityTtlMs = options.activityTtlMs ?? 8000;
  }

  apply(event: ActivityEvent, nowMs: number): void {
    if (event.activity === 'idle') {
      this.#activity.delete(event.timite.id);
    } else {
      this.#activity.set(event.timite.id, { timite: event.timite, activity: event.activity, atMs: nowMs });
    }
  }

  /** The timite sent a message or left: whatever they were doing is over. */
  end(timiteId: number): void {
    this.#activity.delete(timiteId);
  }

  clear(): void {
    this.#activity.clear();
  }

  /**
   * Lines like "Jarvis is thinking…", without the reader's own activity, nor that of the
   * timites in `shownElsewhere` (whose message is growing on screen).
   */
  lines(options: { nowMs: number; myId?: number; shownElsewhere?: ReadonlySet<number> }): string[] {
    const lines: string[] = [];
    for (const entry of this.#activity.values()) {
      const { id } = entry.timite;
      if (id === options.myId || options.shownElsewhere?.has(id) === true) continue;
      if (options.nowMs - entry.atMs > this.activityTtlMs) continue;
      lines.push(`${entry.timite.nick} is ${entry.activity}…`);
    }
    return lines.sort();
  }
}
