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
export interface ConnectionRegistry<C extends RegisteredConnection> {
  add(connection: C): void;
  /** Counts a registered connection for its timite, once it has authenticated. */
  addAuthenticated(connection: C): void;
  remove(connection: C): void;
  /** Authenticated connections of the timite. */
  countForTimite(timiteId: number): number;
  /** Closes every socket authenticated with this session key, e.g. after logout. */
  closeSession(keyHash: string, code: number, reason: string): void;
  /** Closes every socket authenticated as this timite, e.g. after its agent token was revoked. */
  closeTimite(timiteId: number, code: number, reason: string): void;
  closeAll(code: number, reason: string): void;
  /** Registered connections, authenticated or not. */
  readonly size: number;
  /** Frames received and not yet handled, over all connections. */
  pendingFrames(): number;
  subscriptionCount(): number;
}

export function createConnectionRegistry<C extends RegisteredConnection>(): ConnectionRegistry<C> {
  const all = new Set<C>();
  /** Authenticated connections per timite: the cap is checked on every auth, so no scan. */
  const countByTimite = new Map<number, number>();
  const authenticated = new Set<C>();

  return {
    add(connection) {
      all.add(connection);
    },
    addAuthenticated(connection) {
      const { timiteId } = connection;
      if (timiteId === undefined || !all.has(connection) || authenticated.has(connection)) return;
      authenticated.add(connection);
      countByTimite.set(timiteId, (countByTimite.get(timiteId) ?? 0) + 1);
    },
    remove(connection) {
      all.delete(connection);
      const { timiteId } = connection;
      if (!authenticated.delete(connection) || timiteId === undefined) return;
      const count = (countByTimite.get(timiteId) ?? 1) - 1;
      if (count === 0) countByTimite.delete(timiteId);
      else countByTimite.set(timiteId, count);
    },
    countForTimite(timiteId) {
      return countByTimite.get(timiteId) ?? 0;
    },
    closeSession(keyHash, code, reason) {
      for (const connection of [...all]) if (connection.keyHash === keyHash) connection.close(code, reason);
    },
    closeTimite(timiteId, code, reason) {
      for (const connection of [...authenticated]) if (connection.timiteId === timiteId) connection.close(code, reason);
    },
    closeAll(code, reason) {
      for (const connection of [...all]) connection.close(code, reason);
    },
    get size() {
      return all.size;
    },
    pendingFrames() {
      let count = 0;
      for (const connection of all) count += connection.pendingFrames;
      return count;
    },
    subscriptionCount() {
      let count = 0;
      for (const connection of all) count += connection.subscriptionCount;
      return count;
    },
  };
}
