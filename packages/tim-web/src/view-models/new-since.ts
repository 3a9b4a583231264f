import type { SpaceId } from '@tim/protocol';
import { entryKey } from './item-keys';
import type { TimelineEntry } from './timeline';

/**
 * What the reader had read of a space when they opened it: the "New since your last visit"
 * line goes above the first message by someone else after `readUpTo`, up to `upTo` (the
 * newest message when it opened). Messages arriving while it is open are not "since the last
 * visit", and reading does not move the line: it stays until the space is opened again.
 */
export interface LastVisit {
  spaceId: SpaceId;
  readUpTo: number;
  upTo: number;
}

/**
 * The key of the item the line goes above, when the window holds it. A binary search finds the
 * first message past the marker, so the cost does not grow with the window.
 */
export function newSinceKey(
  entries: readonly TimelineEntry[],
  visit: LastVisit | undefined,
  myId: number,
): string | undefined {
  // A space never read has no last visit to speak of.
  if (visit === undefined || visit.readUpTo === 0 || visit.upTo <= visit.readUpTo) return undefined;
  for (let index = firstIndexAfter(entries, visit.readUpTo); index < entries.length; index += 1) {
    const entry = entries[index] as TimelineEntry;
    if (entry.updateId > visit.upTo) return undefined;
    if (entry.message.sender.id !== myId) return entryKey(entry);
  }
  return undefined;
}

/** The entry of update `updateId`, when the window holds it. */
export function entryAt(entries: readonly TimelineEntry[], updateId: number): TimelineEntry | undefined {
  const entry = entries[firstIndexAfter(entries, updateId - 1)];
  return entry?.updateId === updateId ? entry : undefined;
}

/** The index of the first entry whose update id is past `updateId` (entries are sorted by update id). */
function firstIndexAfter(entries: readonly TimelineEntry[], updateId: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((entries[middle] as TimelineEntry).updateId > updateId) high = middle;
    else low = middle + 1;
  }
  return low;
}
