import type { Revocation, Storage } from '../storage/storage';

/** Revocations read per query; a longer backlog is read in several. */
const PAGE_SIZE = 500;

export interface RevocationFollowerOptions {
  storage: Storage;
  /** How often the feed is read, in ms. */
  intervalMs: number;
  /** Told about every revocation appended since the follower started, in feed order. */
  onRevoked: (revocation: Revocation) => void;
  /** A read failed; `onRevoked` may have missed entries until the next read succeeds. */
  onError: (err: unknown) => void;
}

export interface RevocationFollower {
  /** Reads what is new now instead of at the next tick. */
  poll(): Promise<void>;
  stop(): void;
}

/**
 * Follows the storage's revocation feed from its current head: every process that caches
 * sessions or holds sockets sees a logout or revoke made by any process on the same database
 * (another server, the CLI) within one interval. Reads never overlap.
 */
export async function followRevocations(options: RevocationFollowerOptions): Promise<RevocationFollower> {
  const { storage } = options;
  let lastSeq = await storage.revocationHead();
  let running: Promise<void> | undefined;
  let isStopped = false;

  async function readNew(): Promise<void> {
    for (;;) {
      const page = await storage.readRevocationsAfter(lastSeq, PAGE_SIZE);
      for (const revocation of page) {
        if (isStopped) return;
        lastSeq = revocation.seq;
        options.onRevoked(revocation);
      }
      if (page.length < PAGE_SIZE) return;
    }
  }

  function poll(): Promise<void> {
    running ??= readNew()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timer = setInterval(() => void poll(), options.intervalMs);
  timer.unref();
  return {
    poll,
    stop() {
      isStopped = true;
      clearInterval(timer);
    },
  };
}
