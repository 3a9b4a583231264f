/**
 * Checks one subscription's stream: every update id after the head seen at subscribe time
 * arrives exactly once and in order (ids are the space's sequence numbers 1, 2, 3, …). An id
 * that arrives after a later one (servers relaying through Redis can reorder) is late, not
 * lost: it is received and counted as out of order by the skip that preceded it.
 */
export interface DeliveryCounts {
  /** Updates accepted: in order, after a skip, or late into a skip. */
  received: number;
  /** Updates whose id had already arrived. */
  duplicates: number;
  /** Times an id skipped ahead of last + 1: out of order, and lost unless the skipped ids come late. */
  gaps: number;
  /** Updates that arrived after a later one. */
  late: number;
}

export interface DeliveryChecker {
  readonly counts: Readonly<DeliveryCounts>;
  /** Returns true when the update is new (not a duplicate). */
  accept(updateId: number): boolean;
  /** Whether every id from the subscribe head to `finalId` has arrived. */
  hasAllUpTo(finalId: number): boolean;
  /** Updates missing between the subscribe head and `finalId`. */
  lostUpTo(finalId: number): number;
}

export function createDeliveryChecker(headId: number): DeliveryChecker {
  const counts: DeliveryCounts = { received: 0, duplicates: 0, gaps: 0, late: 0 };
  let lastId = headId;
  /** Ids skipped over and not yet arrived: empty unless the stream skipped ahead. */
  const skipped = new Set<number>();
  return {
    counts,
    accept(updateId) {
      if (updateId <= lastId) {
        if (!skipped.delete(updateId)) {
          counts.duplicates += 1;
          return false;
        }
        counts.late += 1;
        counts.received += 1;
        return true;
      }
      if (updateId !== lastId + 1) {
        counts.gaps += 1;
        for (let missing = lastId + 1; missing < updateId; missing += 1) skipped.add(missing);
      }
      lastId = updateId;
      counts.received += 1;
      return true;
    },
    hasAllUpTo(finalId) {
      if (lastId < finalId) return false;
      for (const missing of skipped) if (missing <= finalId) return false;
      return true;
    },
    lostUpTo(finalId) {
      return Math.max(0, finalId - headId - counts.received);
    },
  };
}
