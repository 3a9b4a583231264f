import { randomBytes } from 'node:crypto';
import { SpaceId, Timite } from '@tim/protocol';
import type { Redis } from 'ioredis';
import type { HeldPresence, PresenceChange, PresenceDecision, PresenceDirectory } from './presence-directory';

export interface RedisPresenceDirectoryOptions {
  client: Redis;
  /** Start of the keys: `<prefix>presence:<spaceId>`, `<prefix>holders:<spaceId>:<timiteId>`, `<prefix>process:<processId>` and others. @default 'tim:' */
  keyPrefix?: string;
  /** A process that has not renewed its liveness key for this long counts as gone, in ms (TIM_PRESENCE_LIVENESS_MS). */
  livenessMs: number;
  /** A renewal of the liveness key failed; the directory keeps trying. */
  onError?: (err: unknown) => void;
}

/*
 * Per space, one hash: field `<processId>|<timiteId>`, value the timite as JSON (what listing
 * reads). Per (space, timite), the set of processes holding it (what arrivals, departures and
 * sweeps read: a few members, however big the space). Per process, a set of what it holds
 * (`<spaceId>|<timiteId>`), a liveness key renewed every third of livenessMs, and its id in the
 * registry `<prefix>processes`. A process whose liveness key expired (it crashed) is ignored at
 * once, and its memberships are taken over by the next sweep of a live process, which
 * announces what went offline with it. Each script runs atomically in Redis, so two processes
 * deciding about one timite cannot both be "first", and two sweeps cannot both claim one
 * crashed process.
 */
// KEYS: space hash, this process's held set, the (space, timite) holders set.
// ARGV: field, timite JSON, process id, liveness key prefix, held entry, timite id.
const LIVE_OTHERS = `
local function others_live(hash, holders, own_process, process_prefix, timite_id)
  for _, process_id in ipairs(redis.call('SMEMBERS', holders)) do
    if process_id ~= own_process then
      if redis.call('EXISTS', process_prefix .. process_id) == 1 then return true end
      redis.call('SREM', holders, process_id)
      redis.call('HDEL', hash, process_id .. '|' .. timite_id)
    end
  end
  return false
end
`;
const ARRIVED = `${LIVE_OTHERS}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[3])
local changed = others_live(KEYS[1], KEYS[3], ARGV[3], ARGV[4], ARGV[6]) and 0 or 1
return { changed, redis.call('HLEN', KEYS[1]) }`;
const DEPARTED = `${LIVE_OTHERS}
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[5])
redis.call('SREM', KEYS[3], ARGV[3])
local changed = others_live(KEYS[1], KEYS[3], ARGV[3], ARGV[4], ARGV[6]) and 0 or 1
return { changed, redis.call('HLEN', KEYS[1]) }`;
// Dead processes' fields are skipped, not removed: removing them is the sweep's claim, which
// comes with the offline events.
const ONLINE = `
local live = {}
local entries = redis.call('HGETALL', KEYS[1])
for index = 1, #entries, 2 do
  local field = entries[index]
  local process_id = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
  if redis.call('EXISTS', ARGV[1] .. process_id) == 1 then table.insert(live, entries[index + 1]) end
end
return live`;
/*
 * Renews this process and registers it again (1 first in the answer if it had been taken for
 * gone), then claims every registered process whose liveness lapsed: its fields, holder
 * entries and held set are removed, and each (space, timite) it held that no live process
 * holds is answered once, as `spaceId, timite JSON`. A field already gone was claimed by a
 * departure, which announced it.
 */
const SWEEP = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
local answer = { redis.call('SADD', KEYS[1], ARGV[1]) }
local gone = {}
for _, process_id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[3] .. process_id) == 0 then table.insert(gone, process_id) end
end
local announced = {}
for _, process_id in ipairs(gone) do
  redis.call('SREM', KEYS[1], process_id)
  local held = ARGV[4] .. process_id
  for _, entry in ipairs(redis.call('SMEMBERS', held)) do
    local separator = string.find(entry, '|', 1, true)
    local space_id = string.sub(entry, 1, separator - 1)
    local timite_id = string.sub(entry, separator + 1)
    local hash = ARGV[5] .. space_id
    local holders = ARGV[6] .. space_id .. ':' .. timite_id
    local field = process_id .. '|' .. timite_id
    local timite = redis.call('HGET', hash, field)
    redis.call('SREM', holders, process_id)
    if timite then
      redis.call('HDEL', hash, field)
      local still_online = announced[entry] == true
      for _, other in ipairs(redis.call('SMEMBERS', holders)) do
        if still_online then break end
        still_online = redis.call('EXISTS', ARGV[3] .. other) == 1
      end
      if not still_online then
        announced[entry] = true
        table.insert(answer, space_id)
        table.insert(answer, timite)
      end
    end
  end
  redis.call('DEL', held)
end
return answer`;

/**
 * Presence shared through Redis by the processes of one deployment. The scripts read keys
 * they are not given (liveness keys, other processes' memberships), which a single Redis
 * allows and Redis Cluster does not.
 */
export async function createRedisPresenceDirectory(options: RedisPresenceDirectoryOptions): Promise<PresenceDirectory> {
  const { client } = options;
  const prefix = options.keyPrefix ?? 'tim:';
  const { livenessMs } = options;
  const processId = randomBytes(8).toString('hex');
  const processPrefix = `${prefix}process:`;
  const heldPrefix = `${prefix}held:`;
  const presencePrefix = `${prefix}presence:`;
  const holdersPrefix = `${prefix}holders:`;
  const registryKey = `${prefix}processes`;
  const livenessKey = processPrefix + processId;
  const heldKey = heldPrefix + processId;
  const hashOf = (spaceId: SpaceId) => presencePrefix + spaceId;
  const fieldOf = (timiteId: number) => `${processId}|${timiteId}`;

  const renew = () => client.set(livenessKey, '1', 'PX', livenessMs);
  await renew();
  await client.sadd(registryKey, processId);
  const renewal = setInterval(
    () => {
      renew().catch(options.onError ?? ((err: unknown) => process.emitWarning(`presence liveness: ${String(err)}`)));
    },
    Math.max(1, Math.floor(livenessMs / 3)),
  );
  renewal.unref();

  /** Runs ARRIVED or DEPARTED: whether the state changed, and the space's memberships (process, timite) after. */
  const decide = async (script: string, spaceId: SpaceId, timite: Timite): Promise<PresenceDecision> => {
    const answer = await client.eval(
      script,
      3,
      hashOf(spaceId),
      heldKey,
      `${holdersPrefix}${spaceId}:${timite.id}`,
      fieldOf(timite.id),
      JSON.stringify(timite),
      processId,
      processPrefix,
      `${spaceId}|${timite.id}`,
      String(timite.id),
    );
    const [changed, members] = Array.isArray(answer) ? answer : [];
    return { changed: changed === 1, members: typeof members === 'number' ? members : undefined };
  };
  const arrived = (spaceId: SpaceId, timite: Timite) => decide(ARRIVED, spaceId, timite);

  /** Records every membership again; the ones nobody else held come back online. */
  const rejoin = async (held: HeldPresence[]): Promise<PresenceChange[]> => {
    const decisions = await Promise.all(held.map(({ spaceId, timite }) => arrived(spaceId, timite)));
    return held
      .filter((_, index) => decisions[index]?.changed === true)
      .map(({ spaceId, timite }) => ({ spaceId, timite, state: 'online' }));
  };

  return {
    arrived,
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

    async sweep(held) {
      const answer = await client.eval(
        SWEEP,
        2,
        registryKey,
        livenessKey,
        processId,
        String(livenessMs),
        processPrefix,
        heldPrefix,
        presencePrefix,
        holdersPrefix,
      );
      const [rejoined, ...pairs] = Array.isArray(answer) ? answer : [];
      const offline: PresenceChange[] = [];
      for (let index = 0; index + 1 < pairs.length; index += 2) {
        const spaceId = SpaceId.safeParse(pairs[index]);
        const timite = Timite.safeParse(parseJson(pairs[index + 1]));
        if (spaceId.success && timite.success)
          offline.push({ spaceId: spaceId.data, timite: timite.data, state: 'offline' });
      }
      // Read held() now, in the same tick as the arrivals are sent: a departure here comes after them.
      return rejoined === 1 ? [...offline, ...(await rejoin(held()))] : offline;
    },

    async close() {
      clearInterval(renewal);
      // Registered still: a live process's sweep takes over whatever a failed departure left.
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
