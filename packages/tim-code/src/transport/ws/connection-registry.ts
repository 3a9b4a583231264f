/** What the registry needs of a connection. */
export interface RegisteredConnection {
  readonly id: string;
  readonly timiteId: number | undefined;
  readonly keyHash: string | undefined;
  readonly subscriptionCount: number;
  close(code: number, reason: string): void;
}

/** The open connections of one app, by timite and by session, for caps, logout and stats. */
export function createConnectionRegistry<C extends RegisteredConnection>() {
  const all = new Set<C>();

  return {
    add(connection: C): void {
      all.add(connection);
    },
    remove(connection: C): void {
      all.delete(connection);
    },
    countForTimite(timiteId: number): number {
      let count = 0;
      for (const connection of all) if (connection.timiteId === timiteId) count += 1;
      return count;
    },
    /** Closes every socket authenticated with this session key, e.g. after logout. */
    closeSession(keyHash: string, code: number, reason: string): void {
      for (const connection of [...all]) if (connection.keyHash === keyHash) connection.close(code, reason);
    },
    closeAll(code: number, reason: string): void {
      for (const connection of [...all]) connection.close(code, reason);
    },
    get size(): number {
      return all.size;
    },
    subscriptionCount(): number {
      let count = 0;
      for (const connection of all) count += connection.subscriptionCount;
      return count;
    },
  };
}

export type ConnectionRegistry<C extends RegisteredConnection> = ReturnType<typeof createConnectionRegistry<C>>;
