export interface LatestQueryOptions {
  /** Quiet time after the last change before a debounced query is sent, in ms. */
  debounceMs: number;
}

/** What to do with the outcome of a query; neither is called once a newer query has started. */
export interface QueryOutcome<T> {
  onAnswer: (answer: T) => void;
  onFailure: (error: unknown) => void;
}

/**
 * The timing of a search box: a changed query is sent once typing pauses, and the newest query
 * wins. The answer to a query asked before a newer one started, or its failure, is dropped, so
 * a late answer never replaces a newer one.
 */
export class LatestQuery {
  readonly #debounceMs: number;
  /** Bumped whenever a newer query starts; an outcome asked for under an older value is dropped. */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LatestQueryOptions) {
    this.#debounceMs = options.debounceMs;
  }

  /** The query changed: what was asked before no longer counts, and `send` runs once `debounceMs` passes without another change. */
  debounce(send: () => void): void {
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      send();
    }, this.#debounceMs);
  }

  /** Asks now, as the newest query: a debounced send still waiting and every outcome still awaited are dropped. */
  ask<T>(request: () => Promise<T>, outcome: QueryOutcome<T>): Promise<void> {
    this.cancel();
    return this.#settle(request, outcome);
  }

  /** Asks more for the current query (its next page), without dropping what it asked before. */
  askMore<T>(request: () => Promise<T>, outcome: QueryOutcome<T>): Promise<void> {
    return this.#settle(request, outcome);
  }

  /** Drops a debounced send still waiting and every outcome still awaited (the box was emptied or closed). */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#generation += 1;
  }

  async #settle<T>(request: () => Promise<T>, { onAnswer, onFailure }: QueryOutcome<T>): Promise<void> {
    const generation = this.#generation;
    // A handler that throws on an answer fails the query like the request would.
    try {
      const answer = await request();
      if (generation === this.#generation) onAnswer(answer);
    } catch (error) {
      if (generation === this.#generation) onFailure(error);
    }
  }
}
