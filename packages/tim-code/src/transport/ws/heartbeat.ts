/** What the heartbeat needs of a connection. */
export interface HeartbeatPeer {
  /** Pings sent since the last pong. The heartbeat counts up; the peer resets it on pong. */
  unansweredPings: number;
  ping(): void;
  /** Two pings went unanswered; the peer is no longer watched. */
  onHeartbeatMissed(): void;
}

export interface Heartbeat {
  watch(peer: HeartbeatPeer): void;
  unwatch(peer: HeartbeatPeer): void;
  stop(): void;
}

/** Pings after which an unanswered peer is given up. */
const MAX_UNANSWERED_PINGS = 2;

/**
 * One timer for all of an app's connections instead of one per connection (a timer, its
 * closure and context cost about half a kilobyte on each of thousands of idle sockets).
 * Peers are spread over `slices` groups and one group is visited every intervalMs/slices, so
 * every peer is pinged once per interval without thousands of pings leaving in one burst.
 */
export function createHeartbeat(options: { intervalMs: number; slices?: number }): Heartbeat {
  const groups: Array<Set<HeartbeatPeer>> = Array.from({ length: options.slices ?? 10 }, () => new Set());
  let nextGroup = 0;
  let dueGroup = 0;

  const visit = (): void => {
    const group = groups[dueGroup] as Set<HeartbeatPeer>;
    dueGroup = (dueGroup + 1) % groups.length;
    for (const peer of group) {
      if (peer.unansweredPings >= MAX_UNANSWERED_PINGS) {
        group.delete(peer);
        peer.onHeartbeatMissed();
        continue;
      }
      peer.unansweredPings += 1;
      peer.ping();
    }
  };
  const timer = setInterval(visit, Math.max(1, Math.floor(options.intervalMs / groups.length)));
  timer.unref();

  return {
    watch(peer) {
      (groups[nextGroup] as Set<HeartbeatPeer>).add(peer);
      nextGroup = (nextGroup + 1) % groups.length;
    },
    unwatch(peer) {
      for (const group of groups) if (group.delete(peer)) return;
    },
    stop() {
      clearInterval(timer);
      for (const group of groups) group.clear();
    },
  };
}
