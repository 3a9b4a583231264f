import { randomBytes } from 'node:crypto';
import { Ability, SpaceId, Timite, type TimiteAbilities } from '@tim/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AbilitiesChange, AbilitiesDecision, AbilitiesDirectory, HeldDeclaration } from './abilities-directory';

export interface RedisAbilitiesDirectoryOptions {
  client: Redis;
  /** Start of the keys: `<prefix>abilities:<spaceId>`, `<prefix>abilities:<spaceId>:<timiteId>` and others. @default 'tim:' */
  keyPrefix?: string;
  /** A process that has not renewed its liveness key for this long counts as gone, in ms (TIM_PRESENCE_LIVENESS_MS). */
  livenessMs: number;
  /** A renewal of the liveness key failed; the directory keeps trying. */
  onError?: (err: unknown) => void;
}

/*
 * Per (space, timite), one hash: field `<processId>|<connectionId>`, value `<seq>\n<abilities
 * JSON>`, where seq comes from one counter, so the newest declaration is the one with the
 * highest. Per space, a hash of the timites that have declarations (id → timite JSON), which
 * listing walks. Per process, a set of what it holds (`<spaceId>|<timiteId>|<connectionId>`),
 * a liveness key renewed every third of livenessMs, and its id in the registry
 * `<prefix>abilities-processes`. Declarations of a process whose liveness key expired (it
 * crashed) are skipped at once, and taken over by the next sweep of a live process, which
 * announces the visible sets that changed with them. Each script runs atomically, so two
 * processes deciding about one timite cannot both announce one change.
 */
const VISIBLE = `
local function visible(hash, process_prefix, also_live)
  local best_seq, best = -1, ''
  local entries = redis.call('HGETALL', hash)
  for index = 1, #entries, 2 do
    local field = entries[index]
    local process_id = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
    if process_id == also_live or redis.call('EXISTS', process_prefix .. process_id) == 1 then
      local value = entries[index + 1]
      local newline = string.find(value, '\\n', 1, true)
      local seq = tonumber(string.sub(value, 1, newline - 1))
      if seq > best_seq then
        best_seq = seq
        best = string.sub(value, newline + 1)
      end
    end
  end
  return best
end
`;
// KEYS: the (space, timite) hash, the space's timites hash, this process's held set, the seq counter.
// ARGV: field, abilities JSON, process prefix, process id, timite id, timite JSON, held entry.
const DECLARE = `${VISIBLE}
local before = visible(KEYS[1], ARGV[3], ARGV[4])
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], ARGV[1], seq .. '\\n' .. ARGV[2])
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
redis.call('SADD', KEYS[3], ARGV[7])
local after = visible(KEYS[1], ARGV[3], ARGV[4])
return { before == after and 0 or 1, after }`;
const WITHDRAW = `${VISIBLE}
local before = visible(KEYS[1], ARGV[3], ARGV[4])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[7])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('HDEL', KEYS[2], ARGV[5]) end
local after = visible(KEYS[1], ARGV[3], ARGV[4])
return { before == after and 0 or 1, after }`;
// KEYS: the (space, timite) hash, the space's timites hash. ARGV: process prefix, timite id.
const FIND = `${VISIBLE}
local abilities = visible(KEYS[1], ARGV[1], '')
if abilities == '' then return {} end
return { redis.call('HGET', KEYS[2], ARGV[2]), abilities }`;
// KEYS: the space's timites hash. ARGV: the space's (space, timite) hash prefix, process prefix.
const LIST = `${VISIBLE}
local listed = {}
local timites = redis.call('HGETALL', KEYS[1])
for index = 1, #timites, 2 do
  local abilities = visible(ARGV[1] .. timites[index], ARGV[2], '')
  if abilities ~= '' then
    table.insert(listed, timites[index + 1])
    table.insert(listed, abilities)
  end
end
return listed`;
/*
 * Renews this process and registers it again (1 first in the answer if it had been taken for
 * gone), then claims every registered process whose liveness lapsed: its declarations and held
 * set are removed, and each (space, timite) whose visible set that changed is answered once, as
 * `spaceId, timite JSON, abilities JSON` ('' for none).
 * KEYS: the registry, this process's liveness key.
 * ARGV: process id, livenessMs, process prefix, held prefix, abilities prefix.
 */
const SWEEP = `${VISIBLE}
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
local answer = { redis.call('SADD', KEYS[1], ARGV[1]) }
local gone = {}
for _, process_id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[3] .. process_id) == 0 then table.insert(gone, process_id) end
end
local before = {}
local touched = {}
for _, process_id in ipairs(gone) do
  redis.call('SREM', KEYS[1], process_id)
  local held = ARGV[4] .. process_id
  for _, entry in ipairs(redis.call('SMEMBERS', held)) do
    local first = string.find(entry, '|', 1, true)
    local second = string.find(entry, '|', first + 1, true)
    local space_id = string.sub(entry, 1, first - 1)
    local timite_id = string.sub(entry, first + 1, second - 1)
    local key = space_id .. '|' .. timite_id
    local hash = ARGV[5] .. space_id .. ':' .. timite_id
    if before[key] == nil then
      before[key] = visible(hash, ARGV[3], process_id)
      table.insert(touched, { space_id, timite_id, key, hash })
    end
    redis.call('HDEL', hash, process_id .. '|' .. string.sub(entry, second + 1))
  end
  redis.call('DEL', held)
end
for _, item in ipairs(touched) do
  local space_id, timite_id, key, hash = item[1], item[2], item[3], item[4]
  local timites = ARGV[5] .. space_id
  local timite = redis.call('HGET', timites, timite_id)
  if redis.call('HLEN', hash) == 0 then redis.call('HDEL', timites, timite_id) end
  local after = visible(hash, ARGV[3], '')
  if timite and after ~= before[key] then
    table.insert(answer, space_id)
    table.insert(answer, timite)
    table.insert(answer, after)
  end
end
return answer`;

const AbilityList = z.array(Ability);

/**
 * Declarations shared through Redis by the processes of one deployment. The scripts read keys
 * they are not given (liveness keys, other timites' hashes), which a single Redis allows and
 * Redis Cluster does not.
 */
export async function createRedisAbilitiesDirectory(
  options: RedisAbilitiesDirectoryOptions,
): Promise<AbilitiesDirectory> {
  const { client, livenessMs } = options;
  const prefix = options.keyPrefix ?? 'tim:';
  const processId = randomBytes(8).toString('hex');
  const processPrefix = `${prefix}abilities-process:`;
  const heldPrefix = `${prefix}abilities-held:`;
  const abilitiesPrefix = `${prefix}abilities:`;
  const registryKey = `${prefix}abilities-processes`;
  const seqKey = `${prefix}abilities-seq`;
  const livenessKey = processPrefix + processId;
  const heldKey = heldPrefix + processId;
  const timitesOf = (spaceId: SpaceId) => abilitiesPrefix + spaceId;
  const hashOf = (spaceId: SpaceId, timiteId: number) => `${abilitiesPrefix}${spaceId}:${timiteId}`;

  const renew = () => client.set(livenessKey, '1', 'PX', livenessMs);
  await renew();
  await client.sadd(registryKey, processId);
  const renewal = setInterval(
    () => {
      renew().catch(options.onError ?? ((err: unknown) => process.emitWarning(`abilities liveness: ${String(err)}`)));
    },
    Math.max(1, Math.floor(livenessMs / 3)),
  );
  renewal.unref();

  /** Runs DECLARE or WITHDRAW for one connection's declaration. */
  const decide = async (
    script: string,
    { spaceId, timite, connectionId }: Omit<HeldDeclaration, 'abilities'>,
    abilitiesJson: string,
  ): Promise<AbilitiesDecision> => {
    const answer = await client.eval(
      script,
      4,
      hashOf(spaceId, timite.id),
      timitesOf(spaceId),
      heldKey,
      seqKey,
      `${processId}|${connectionId}`,
      abilitiesJson,
      processPrefix,
      processId,
      String(timite.id),
      JSON.stringify(timite),
      `${spaceId}|${timite.id}|${connectionId}`,
    );
    const [changed, after] = Array.isArray(answer) ? answer : [];
    return { changed: changed === 1, abilities: parseAbilities(after) };
  };
  const declare = (held: HeldDeclaration) => decide(DECLARE, held, JSON.stringify(held.abilities));

  /**
   * Withdraws what this process's held set has and its connections do not (a withdrawal that
   * failed). `held` is read after the set, and again just before each withdrawal is sent: a
   * declaration recorded meanwhile is held by then, and one made later is sent after it.
   */
  const withdrawStale = async (held: () => HeldDeclaration[]): Promise<AbilitiesChange[]> => {
    const keyOf = ({ spaceId, timite, connectionId }: HeldDeclaration) => `${spaceId}|${timite.id}|${connectionId}`;
    const changes: AbilitiesChange[] = [];
    const inRedis = await client.smembers(heldKey);
    let here = new Set(held().map(keyOf));
    for (const entry of inRedis) {
      if (here.has(entry)) continue;
      const [spaceId = '', timiteId = '', connectionId] = entry.split('|');
      const space = SpaceId.safeParse(spaceId);
      const timite = Timite.safeParse(parseJson(await client.hget(timitesOf(spaceId), timiteId)));
      if (!space.success || !timite.success || connectionId === undefined) {
        await client.srem(heldKey, entry);
        continue;
      }
      // Rare (a withdrawal failed): worth reading `held` again, in the same tick as the withdrawal is sent.
      here = new Set(held().map(keyOf));
      if (here.has(entry)) continue;
      const decision = await decide(WITHDRAW, { spaceId: space.data, timite: timite.data, connectionId }, '');
      if (decision.changed) changes.push({ spaceId: space.data, timite: timite.data, abilities: decision.abilities });
    }
    return changes;
  };

  return {
    declare,
    withdraw: (held) => decide(WITHDRAW, held, ''),

    async find(spaceId, timiteId) {
      const answer = await client.eval(
        FIND,
        2,
        hashOf(spaceId, timiteId),
        timitesOf(spaceId),
        processPrefix,
        String(timiteId),
      );
      const [timiteJson, abilitiesJson] = Array.isArray(answer) ? answer : [];
      const timite = Timite.safeParse(parseJson(timiteJson));
      const abilities = parseAbilities(abilitiesJson);
      return timite.success && abilities.length > 0 ? { timite: timite.data, abilities } : undefined;
    },

    async list(spaceId) {
      const answer = await client.eval(LIST, 1, timitesOf(spaceId), `${timitesOf(spaceId)}:`, processPrefix);
      const values = Array.isArray(answer) ? answer : [];
      const listed: TimiteAbilities[] = [];
      for (let index = 0; index + 1 < values.length; index += 2) {
        // Written by another process: parsed like anything that crosses a process boundary.
        const timite = Timite.safeParse(parseJson(values[index]));
        const abilities = parseAbilities(values[index + 1]);
        if (timite.success && abilities.length > 0) listed.push({ timite: timite.data, abilities });
      }
      return listed.sort((a, b) => a.timite.id - b.timite.id);
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
        abilitiesPrefix,
      );
      const [rejoined, ...triples] = Array.isArray(answer) ? answer : [];
      const changes: AbilitiesChange[] = [];
      for (let index = 0; index + 2 < triples.length; index += 3) {
        const spaceId = SpaceId.safeParse(triples[index]);
        const timite = Timite.safeParse(parseJson(triples[index + 1]));
        if (spaceId.success && timite.success)
          changes.push({ spaceId: spaceId.data, timite: timite.data, abilities: parseAbilities(triples[index + 2]) });
      }
      // Taken for gone: this process's declarations were removed; they are recorded again.
      if (rejoined === 1) {
        for (const declaration of held()) {
          const decision = await declare(declaration);
          if (decision.changed)
            changes.push({ spaceId: declaration.spaceId, timite: declaration.timite, abilities: decision.abilities });
        }
      }
      changes.push(...(await withdrawStale(held)));
      return changes;
    },

    async close() {
      clearInterval(renewal);
      // Registered still: a live process's sweep takes over whatever a failed withdrawal left.
      await client.del(livenessKey);
    },
  };
}

/** Abilities as a script answered them: '' (none) or another process's JSON. */
function parseAbilities(value: unknown): Ability[] {
  const parsed = AbilityList.safeParse(parseJson(value));
  return parsed.success ? parsed.data : [];
}

function parseJson(value: unknown): unknown {
  try {
    return typeof value === 'string' && value !== '' ? JSON.parse(value) : undefined;
  } catch {
    return undefined;
  }
}
