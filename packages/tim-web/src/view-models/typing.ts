import type { SpaceId } from '@tim/protocol';
import type { SpaceFrames } from './chat-ports';

export interface TypingAnnouncerOptions {
  frames: Pick<SpaceFrames, 'state' | 'sendActivity'>;
  /** Clock, injected for tests. @default Date.now */
  now?: () => number;
  /** Least time between two `typing` frames, in ms. @default 3000 */
  intervalMs?: number;
}

/**
 * Turns the reader's keystrokes into `typing` activity frames: at most one per `intervalMs`,
 * so a fast typist costs a frame every few seconds, not one per key. Sending a message says
 * `idle`, and the next keystroke announces typing again at once.
 */
export class TypingAnnouncer {
  readonly intervalMs: number;
  readonly #frames: Pick<SpaceFrames, 'state' | 'sendActivity'>;
  readonly #now: () => number;
  #lastSentMs: number | undefined;

  constructor(options: TypingAnnouncerOptions) {
    this.#frames = options.frames;
    this.#now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 3000;
  }

  /** A keystroke in the composer of `spaceId`. */
  noteTyping(spaceId: SpaceId): void {
    if (this.#frames.state !== 'open') return;
    const nowMs = this.#now();
    if (this.#lastSentMs !== undefined && nowMs - this.#lastSentMs < this.intervalMs) return;
    this.#lastSentMs = nowMs;
    this.#frames.sendActivity(spaceId, 'typing');
  }

  /** The reader sent what they typed. */
  stop(spaceId: SpaceId): void {
    this.#lastSentMs = undefined;
    this.#frames.sendActivity(spaceId, 'idle');
  }
}
