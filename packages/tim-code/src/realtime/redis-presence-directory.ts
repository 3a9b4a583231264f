import { randomBytes } from 'node:crypto';
import { Timite, type SpaceId } from '@tim/protocol';
import type { Redis } from 'ioredis';
import type { PresenceDirectory } from './presence-directory';

export interface RedisPresenceDirectoryOptions {
  client: Redis;
  /** Start of the keys: `<prefix>presence:<spaceId>` and `<prefix>process:<processId>`. @default 'tim:' */
  keyPrefix?: string;
  /** A process that has not renewed its liveness key for this long counts as gone. @default 30000 */
  livenessMs?: number;
  /** A renewal of the liveness key failed; the directory keeps trying. */
  onError?: (err: unknown) => void;
}

/*
 * Per space, one hash: field `<processId>|<timiteId>`, value the timite as JSON. A process
 * renews `<prefix>process:<processId>` every third of livenessMs; fields of a process whose key
 * expired (it crashed) are ignored and removed when a script next reads them. Each script runs
 * atomically in Redis, so two processes deciding about one timite cannot both be "first".
 */
const LIVE_OTHERS = `
local function others_live(hash, own_field, timite_id, process_prefix)
  for _, field in ipairs(redis.call('HKEYS', hash)) do
    local separator = string.find(field, '|', 1, true)
    local process_id = string.sub(field, 1, separator - 1)
    if field ~= own_field and string.sub(field, separator + 1) == timite_id then
      if redis.call('EXISTS', process_prefix .. process_id) == 1 then return true end
      redis.call('HDEL', hash, field)
    end
  end
  return false
end
`;
const ARRIVED = `${LIVE_OTHERS}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if others_live(KEYS[1], ARGV[1], ARGV[3], ARGV[4]) then return 0 end
return 1`;
const DEPARTED = `${LIVE_OTHERS}
redis.call('HDEL', KEYS[1], ARGV[1])
if others_live(KEYS[1], ARGV[1], ARGV[3], ARGV[4]) then return 0 end
return 1`;
const ONLINE = `
local live = {}
local entries = redis.call('HGETALL', KEYS[1])
for index = 1, #entries, 2 do
  local field = entries[index]
  local process_id = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
  if redis.call('EXISTS', ARGV[1] .. process_id) == 1 then table.insert(live, entries[index + 1])
  else redis.call('HDEL', KEYS[1], field) end
end
return live`;

/**
 * Presence shared through Redis by the processes of one deployment. The scripts read keys
 * they are not given (the liveness keys), which a single Redis allows and Redis Cluster does not.
 */
export async function createRedisPresenceDirectory(options: RedisPresenceDirectoryOptions): Promise<PresenceDirectory> {
  const { client } = options;
  const prefix = options.keyPrefix ?? 'tim:';
  const livenessMs = options.livenessMs ?? 30_000;
  const processId = randomBytes(8).toString('hex');
  const processPrefix = `${prefix}process:`;
  const livenessKey = processPrefix + processId;
  const hashOf = (spaceId: SpaceId) => `${prefix}presence:${spaceId}`;
  const fieldOf = (timiteId: number) => `${processId}|${timiteId}`;

  const renew = () => client.set(livenessKey, '1', 'PX', livenessMs);
  await renew();
  const renewal = setInterval(() => {
    renew().catch(options.onError ?? ((err: unknown) => process.emitWarning(`presence liveness: ${String(err)}`)));
  }, Math.max(1, Math.floor(livenessMs / 3)));
  renewal.unref();

  const decide = async (script: string, spaceId: SpaceId, timite: Timite): Promise<boolean> => {
    const answer = await client.eval(script, 1, hashOf(spaceId), fieldOf(timite.id), JSON.stringify(timite), String(timite.id), processPrefix);
    return answer === 1;
  };

  return {
    arrived: (spaceId, timite) => decide(ARRIVED, spaceId, timite),
    departed: (spaceId, timite) => decide(DEPARTED, spaceId, timite),

    async online(spaceId, here) {
      const values = await client.eval(ONLINE, 1, hashOf(spaceId), processPrefix);
      const byId = new Map<number, Timite>(here.map((timite) => [timite.id, timite]));
      for (const value of Array.isArray(values) ? values : []) {
        // Written by another process: parsed like anything that crosses a process boundary.
        const parsed = Timite.safeParse(parseJson(value));
        if (parsed.success) byId.set(parsed.data.id, parsed.data);
      }
      return [...byId.values()].sort((a, b) => a.id - b.id);
    },

    async close() {
      clearInterval(renewal);
      await client.del(livenessKey);
    },
  };
}

function parseJson(value: unknown): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    return undefined;
  }
}
