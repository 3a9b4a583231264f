/** What a scroll container reports about its position, in CSS pixels. */
export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Distance from the bottom that still counts as "at the bottom", in px. @default 48 */
export const AT_BOTTOM_SLACK_PX = 48;

export function isAtBottom(metrics: ScrollMetrics, slackPx = AT_BOTTOM_SLACK_PX): boolean {
  return metrics.scrollHeight - metrics.scrollTop - metrics.clientHeight <= slackPx;
}

/** Near the top: time to load an older page. */
export function isNearTop(metrics: ScrollMetrics, slackPx = 200): boolean {
  return metrics.scrollTop <= slackPx;
}

export type FollowAction = 'scroll-to-bottom' | 'show-marker' | 'none';

/**
 * Decides whether new messages at the bottom move the view.
 *
 * The view sticks to the bottom only when the reader was already there (or sent the message
 * themselves); otherwise nothing moves under their eyes and a "new messages" marker counts
 * what arrived until they reach the bottom.
 */
export class ScrollFollower {
  #atBottom = true;
  #unseen = 0;

  get atBottom(): boolean {
    return this.#atBottom;
  }

  /** Messages that arrived while the reader was away from the bottom. */
  get unseen(): number {
    return this.#unseen;
  }

  onScroll(metrics: ScrollMetrics): void {
    this.#atBottom = isAtBottom(metrics);
    if (this.#atBottom) this.#unseen = 0;
  }

  onAppended(count: number, options: { own?: boolean } = {}): FollowAction {
    if (count <= 0) return 'none';
    if (this.#atBottom || options.own === true) {
      this.#atBottom = true;
      this.#unseen = 0;
      return 'scroll-to-bottom';
    }
    this.#unseen += count;
    return 'show-marker';
  }

  /** The reader asked to jump to the newest messages. */
  jumpedToBottom(): void {
    this.#atBottom = true;
    this.#unseen = 0;
  }
}
