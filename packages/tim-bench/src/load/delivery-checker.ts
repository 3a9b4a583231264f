/**
 * Checks one subscription's stream: every update id after the head seen at subscribe time
 * arrives exactly once and in order (ids are the space's sequence numbers 1, 2, 3, …).
 */
export interface DeliveryCounts {
  /** Updates accepted: in order or after a gap. */
  received: number;
  /** Updates whose id was not above the last one seen. */
  duplicates: number;
  /** Times an id skipped ahead of last + 1. */
  gaps: number;
}

export interface DeliveryChecker {
  readonly counts: Readonly<DeliveryCounts>;
  readonly lastId: number;
  /** Returns true when the update is new (not a duplicate or a step back). */
  accept(updateId: number): boolean;
  /** Updates missing between the subscribe head and `finalId`. */
  lostUpTo(finalId: number): number;
}

export function createDeliveryChecker(headId: number): DeliveryChecker {
  const counts: DeliveryCounts = { received: 0, duplicates: 0, gaps: 0 };
  let lastId = headId;
  return {
    counts,
    get lastId() {
      return lastId;
    },
    accept(updateId) {
      if (updateId <= lastId) {
        counts.duplicates += 1;
        return false;
      }
      if (updateId !== lastId + 1) counts.gaps += 1;
      lastId = updateId;
      counts.received += 1;
      return true;
    },
    lostUpTo(finalId) {
      return Math.max(0, finalId - headId - counts.received);
    },
  };
}
