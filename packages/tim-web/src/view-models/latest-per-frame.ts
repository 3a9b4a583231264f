/** Runs `callback` soon; returns a function that cancels it. */
export type ScheduleFrame = (callback: () => void) => () => void;

/** How long a page that draws no frames (a hidden tab) waits at most for a view. */
const HIDDEN_PAGE_DELAY_MS = 250;

/**
 * The next animation frame, or a timer when frames do not come (a hidden tab draws none),
 * whichever is first.
 */
export const nextFrame: ScheduleFrame = (callback) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, HIDDEN_PAGE_DELAY_MS);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

/**
 * Hands `show` the latest of the values pushed, at most once per frame. At 200 messages a
 * second the controller has a new view several times between two frames; only the last one
 * can be seen, so only it is rendered.
 */
export class LatestPerFrame<T> {
  readonly #show: (value: T) => void;
  readonly #schedule: ScheduleFrame;
  #latest: { value: T } | undefined;
  #cancel: (() => void) | undefined;

  constructor(show: (value: T) => void, schedule: ScheduleFrame = nextFrame) {
    this.#show = show;
    this.#schedule = schedule;
  }

  push(value: T): void {
    this.#latest = { value };
    this.#cancel ??= this.#schedule(() => {
      this.#cancel = undefined;
      const latest = this.#latest;
      this.#latest = undefined;
      if (latest !== undefined) this.#show(latest.value);
    });
  }

  /** Drops a value still waiting for its frame. */
  cancel(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#latest = undefined;
  }
}
