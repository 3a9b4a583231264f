/** What the registry needs of a connection. */
export interface RegisteredConnection {
  readonly id: string;
  readonly timiteId: number | undefined;
  readonly keyHash: string | undefined;
  readonly subscriptionCount: number;
  /** Frames received and not yet handled. */
  readonly pendingFrames: number;
  close(code: number, reason: string): void;
}

/** The open connections of one app, by timite and by session, for caps, logout, revoke and stats. */
export function createConnectionRegistry<C extends RegisteredConnection>() {
  const all = new Set<C>();
  /** Authenticated connections per timite: the cap is checked on every auth, so no scan. */
  const countByTimite = new Map<number, number>();
  const authenticated = new Set<C>();

  return {
    add(connection: C): void {
      all.add(connection);
    },
    /** Counts a registered connection for its timite, once it has authenticated. */
    addAuthenticated(connection: C): void {
      const { timiteId } = connection;
      if (timiteId === undefined || !all.has(connection) || authenticated.has(connection)) return;
      authenticated.add(connection);
      countByTimite.set(timiteId, (countByTimite.get(timiteId) ?? 0) + 1);
    },
    remove(connection: C): void {
      all.delete(connection);
      const { timiteId } = connection;
      if (!authenticated.delete(connection) || timiteId === undefined) return;
      const count = (countByTimite.get(timiteId) ?? 1) - 1;
      if (count === 0) countByTimite.delete(timiteId);
      else countByTimite.set(timiteId, count);
    },
    countForTimite(timiteId: number): number {
      return countByTimite.get(timiteId) ?? 0;
    },
    /** Closes every socket authenticated with this session key, e.g. after logout. */
    closeSession(keyHash: string, code: number, reason: string): void {
      for (const connection of [...all]) if (connection.keyHash === keyHash) connection.close(code, reason);
    },
    /** Closes every socket authenticated as this timite, e.g. after its agent token was revoked. */
    closeTimite(timiteId: number, code: number, reason: string): void {
      for (const connection of [...authenticated]) if (connection.timiteId === timiteId) connection.close(code, reason);
    },
    closeAll(code: number, reason: string): void {
      for (const connection of [...all]) connection.close(code, reason);
    },
    get size(): number {
      return all.size;
    },
    pendingFrames(): number {
      let count = 0;
      for (const connection of all) count += connection.pendingFrames;
      return count;
    },
    subscriptionCount(): number {
      let count = 0;
      for (const connection of all) count += connection.subscriptionCount;
      return count;
    },
  };
}

export type ConnectionRegistry<C extends RegisteredConnection> = ReturnType<typeof createConnectionRegistry<C>>;
