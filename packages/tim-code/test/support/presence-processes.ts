import type { Redis } from 'ioredis';
import { DEFAULT_PRESENCE_LIVENESS_MS } from '../../src/config';
import type { PresenceDirectory } from '../../src/realtime/presence-directory';
import { createRedisPresenceDirectory } from '../../src/realtime/redis-presence-directory';
import { connectTestRedis } from './redis';

/** A Redis presence directory standing for another process, which the test can crash. */
export interface CrashableDirectory {
  directory: PresenceDirectory;
  livenessKey: string;
  /** The process dies: its connection drops, so nothing is cleaned up and renewals stop. */
  crash(): void;
  /** Its liveness key lapses now, as it would `livenessMs` after a crash or a long stall. */
  lapse(): Promise<void>;
  /** Stops its renewal timer and drops its connection, crashed or not. */
  close(): Promise<void>;
}

/**
 * Opens a directory on a connection of its own, like another process's; `admin` (the test's
 * own connection) finds its liveness key and expires it on demand.
 */
export async function openCrashableDirectory(
  admin: Redis,
  keyPrefix: string,
  livenessMs = DEFAULT_PRESENCE_LIVENESS_MS,
): Promise<CrashableDirectory> {
  const own = await connectTestRedis();
  const before = new Set(await admin.keys(`${keyPrefix}process:*`));
  const renewalErrors: unknown[] = [];
  const directory = await createRedisPresenceDirectory({
    client: own,
    keyPrefix,
    livenessMs,
    onError: (err) => renewalErrors.push(err),
  });
  const [livenessKey] = (await admin.keys(`${keyPrefix}process:*`)).filter((key) => !before.has(key));
  if (livenessKey === undefined) throw new Error('the directory wrote no liveness key');
  return {
    directory,
    livenessKey,
    crash: () => own.disconnect(),
    lapse: async () => {
      await admin.del(livenessKey);
    },
    async close() {
      // A crashed process's close fails (its connection is gone); it still stops the renewal timer.
      await Promise.allSettled([directory.close()]);
      // A second disconnect would wait for a close that already happened.
      if (own.status !== 'end') own.disconnect();
    },
  };
}
