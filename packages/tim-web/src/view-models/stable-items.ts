import type { TimelineItem } from './chat-view';

/**
 * Keeps the timeline's items the same objects from one view to the next while they show the
 * same thing. The controller builds every item anew on every change; handed to the view as
 * they are, each of the ~300 shown messages would be updated for every message that arrives.
 * Kept, the keyed list skips every item that did not change, and a view whose items all stayed
 * (an activity notice expired, someone came online) hands over the very same array, so the
 * timeline is not touched at all.
 */
export class StableTimelineItems {
  #previous: TimelineItem[] = [];
  #byKey = new Map<string, TimelineItem>();

  /** `items` with every item that shows the same as last time replaced by last time's object. */
  next(items: readonly TimelineItem[]): TimelineItem[] {
    const byKey = new Map<string, TimelineItem>();
    let isSameList = items.length === this.#previous.length;
    const kept = items.map((item, index) => {
      const before = this.#byKey.get(item.key);
      const shown = before !== undefined && showsTheSame(before, item) ? before : item;
      byKey.set(item.key, shown);
      if (shown !== this.#previous[index]) isSameList = false;
      return shown;
    });
    this.#byKey = byKey;
    if (isSameList) return this.#previous;
    this.#previous = kept;
    return kept;
  }
}

/**
 * Same fields, each the same value or an object (a message, a growing reply, a quote) whose
 * own fields are the same values: one level down, so a message that changed in any way (a
 * new content, a new list of reactions) shows anew, and an item built again from the same
 * parts does not. New fields of an item are compared without being named here.
 */
export function showsTheSame(a: TimelineItem, b: TimelineItem): boolean {
  return haveSameFields(a, b, (first, second) => isObject(first) && isObject(second) && haveSameFields(first, second));
}

function haveSameFields(
  a: object,
  b: object,
  nestedAlike: (first: unknown, second: unknown) => boolean = () => false,
): boolean {
  if (a === b) return true;
  const aEntries = Object.entries(a);
  if (aEntries.length !== Object.keys(b).length) return false;
  const bFields = b as Record<string, unknown>;
  return aEntries.every(([key, value]) => Object.is(value, bFields[key]) || nestedAlike(value, bFields[key]));
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
