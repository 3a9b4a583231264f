import type { AbilityCallEvent, AbilityOutcomeEvent, Update } from '@tim/protocol';

/**
 * A call in the window with its outcome, once there is one; or an outcome whose call lies before
 * the window (`call` undefined), shown as a line that leads back to it.
 */
export type CallEntry =
  | {
      /** The call's update id, which is its `callId`. */
      updateId: number;
      call: AbilityCallEvent;
      outcome: AbilityOutcomeEvent | undefined;
    }
  | { updateId: number; call: undefined; outcome: AbilityOutcomeEvent };

/**
 * The ability calls a timeline window has read, each with its outcome. An outcome is not an item
 * of its own: it settles its call's entry (a new object, so the view shows it anew; every other
 * entry stays the same object). Noting an update costs O(1); the sorted list is rebuilt only
 * when a call came or went.
 */
export class AbilityCalls {
  readonly #byId = new Map<number, CallEntry>();
  /** The update id of each outcome read without its call, by call id. */
  readonly #lone = new Map<number, number>();
  #sorted: CallEntry[] | undefined = [];

  /** The calls read, by update id. */
  get entries(): readonly CallEntry[] {
    if (this.#sorted === undefined) this.#sorted = [...this.#byId.values()].sort((a, b) => a.updateId - b.updateId);
    return this.#sorted;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Takes the calls and outcomes among `updates`; anything else is ignored. */
  note(updates: readonly Update[]): void {
    for (const update of updates) {
      const { event } = update;
      if (event.type === 'ability_call') {
        if (this.#byId.has(update.id)) continue;
        // An older page brought the call of an outcome read before: the outcome goes into its card.
        const loneId = this.#lone.get(update.id);
        const lone = loneId === undefined ? undefined : this.#byId.get(loneId);
        if (loneId !== undefined) {
          this.#lone.delete(update.id);
          this.#byId.delete(loneId);
          this.#sorted = undefined;
        }
        const entry: CallEntry = { updateId: update.id, call: event, outcome: lone?.outcome };
        const sorted = this.#sorted;
        const last = sorted?.[sorted.length - 1];
        // A live call after the last one is appended; anything else sorts again when asked.
        if (sorted !== undefined && (last === undefined || last.updateId < update.id))
          this.#sorted = [...sorted, entry];
        else this.#sorted = undefined;
        this.#byId.set(update.id, entry);
      } else if (event.type === 'ability_outcome') {
        const entry = this.#byId.get(event.callId);
        if (entry === undefined) this.#noteLone(update.id, event);
        else if (entry.call !== undefined && entry.outcome === undefined) this.#replace({ ...entry, outcome: event });
      }
    }
  }

  /** Drops the calls outside the update ids `first`..`last` (the window moved). */
  keepBetween(first: number, last: number): void {
    let dropped = false;
    for (const id of this.#byId.keys()) {
      if (id < first || id > last) {
        const { call, outcome } = this.#byId.get(id) as CallEntry;
        if (call === undefined) this.#lone.delete(outcome.callId);
        this.#byId.delete(id);
        dropped = true;
      }
    }
    if (dropped) this.#sorted = undefined;
  }

  clear(): void {
    this.#byId.clear();
    this.#lone.clear();
    this.#sorted = [];
  }

  #noteLone(updateId: number, outcome: AbilityOutcomeEvent): void {
    if (this.#lone.has(outcome.callId) || this.#byId.has(updateId)) return;
    this.#lone.set(outcome.callId, updateId);
    const entry: CallEntry = { updateId, call: undefined, outcome };
    const sorted = this.#sorted;
    const last = sorted?.[sorted.length - 1];
    if (sorted !== undefined && (last === undefined || last.updateId < updateId)) this.#sorted = [...sorted, entry];
    else this.#sorted = undefined;
    this.#byId.set(updateId, entry);
  }

  #replace(entry: CallEntry): void {
    this.#byId.set(entry.updateId, entry);
    const sorted = this.#sorted;
    if (sorted === undefined) return;
    const index = indexOf(sorted, entry.updateId);
    if (index < 0) {
      this.#sorted = undefined;
      return;
    }
    const next = [...sorted];
    next[index] = entry;
    this.#sorted = next;
  }
}

/** Binary search of `updateId` in entries sorted by it. */
function indexOf(sorted: readonly CallEntry[], updateId: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const id = (sorted[middle] as CallEntry).updateId;
    if (id === updateId) return middle;
    if (id < updateId) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
