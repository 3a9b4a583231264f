import type { Activity } from '@tim/protocol';

/**
 * The `thinking` indicator of one agent, per space. Activity is ephemeral: clients drop a
 * notice that is not repeated within a few seconds (tim-web after 8 s), and a frame sent while
 * disconnected is lost, so while shown it is sent again every `refreshMs`.
 */
export interface Thinking {
  /** Shows `thinking` in the space until `clear`; showing it again changes nothing. */
  show(spaceId: string): void;
  /** Sends `idle` if `thinking` was shown, and stops repeating it. */
  clear(spaceId: string): void;
}

export interface ThinkingOptions {
  /** Broadcasts an activity in a space; dropped while disconnected. */
  sendActivity: (spaceId: string, activity: Activity) => void;
  /** Interval at which a shown `thinking` is sent again, in ms. */
  refreshMs: number;
}

/** Well within tim-web's 8 s expiry of an activity notice, and about one frame per 3 s per thinking agent. */
export const DEFAULT_THINKING_REFRESH_MS = 3000;

export function createThinking({ sendActivity, refreshMs }: ThinkingOptions): Thinking {
  const shown = new Map<string, NodeJS.Timeout>();
  return {
    show(spaceId) {
      if (shown.has(spaceId)) return;
      sendActivity(spaceId, 'thinking');
      shown.set(
        spaceId,
        setInterval(() => sendActivity(spaceId, 'thinking'), refreshMs),
      );
    },
    clear(spaceId) {
      const timer = shown.get(spaceId);
      if (timer === undefined) return;
      clearInterval(timer);
      shown.delete(spaceId);
      sendActivity(spaceId, 'idle');
    },
  };
}
