import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import { describeAbilityContracts } from '../ability.contract';
import { describeAccessContract } from '../contract/access.contract';
import { describeMessageChangeContracts, type FullStorage } from '../message-change.contract';
import type { AbilityStorage, AccessStorage, Storage } from '../storage';
import { describeStorageContract, type MakeStorage } from '../storage.contract';
import { createPostgresStorage } from './postgres-storage';

/** Each test gets a schema of its own in the machine's PostgreSQL, dropped afterwards. */
const makeStorage: MakeStorage<FullStorage & AbilityStorage & AccessStorage> = async () => {
  const schema = uniqueSchemaName();
  const storage = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      const admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
};

describeStorageContract('postgres', makeStorage);
describeMessageChangeContracts('postgres', makeStorage);
describeAbilityContracts('postgres', makeStorage);
describeAccessContract('postgres', makeStorage);

/**
 * Storages of "processes" sharing one new schema, each opened by `open()`; all closed and the
 * schema dropped after the describe block.
 */
function processesOnOneSchema(): () => Promise<FullStorage & AbilityStorage & AccessStorage> {
  const schema = uniqueSchemaName();
  const opened: Storage[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    const admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  return async () => {
    const storage = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
    opened.push(storage);
    return storage;
  };
}

describe('createPostgresStorage with several processes on one database', () => {
  const open = processesOnOneSchema();

  it('migrates once when two open the same new schema at once, and both append to one gapless sequence', async () => {
    const [one, two] = await Promise.all([open(), open()]);
    if (one === undefined || two === undefined) throw new Error('open failed');
    const created = await one.createTimite({ nick: 'ada', kind: 'human', passwordHash: 'x' });
    if (!created.created) throw new Error('createTimite failed');
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        (n % 2 === 0 ? one : two).appendMessage({
          spaceId: 'main',
          senderId: created.timite.id,
          content: `message ${n}`,
          mentions: [],
          createdAt: new Date(),
          maxAgentStreak: 10,
        }),
      ),
    );
    const ids = results.map((result) => (result.outcome === 'created' ? result.update.id : -1)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
    expect(await two.headId('main')).toBe(60);
  });

  it('answers one of two concurrent appends of one clientMsgId to two spaces with a conflict, not an error', async () => {
    const [one, two] = [await open(), await open()];
    const created = await one.createTimite({ nick: 'bob', kind: 'human', passwordHash: 'x' });
    if (!created.created) throw new Error('createTimite failed');
    await one.createSpace({ id: 'elsewhere', name: 'Elsewhere', createdAt: new Date(), createdBy: 1 });
    const append = (storage: Storage, spaceId: string) =>
      storage.appendMessage({
        spaceId,
        senderId: created.timite.id,
        content: 'once',
        mentions: [],
        clientMsgId: 'same-id',
        createdAt: new Date(),
        maxAgentStreak: 10,
      });
    const outcomes = (await Promise.all([append(one, 'main'), append(two, 'elsewhere')]))
      .map((result) => result.outcome)
      .sort();
    expect(outcomes).toEqual(['client_msg_id_conflict', 'created']);
  });
});

describe('createPostgresStorage: the one-statement append under concurrency', () => {
  const open = processesOnOneSchema();

  it('lets exactly maxAgentStreak of 40 concurrent agent messages through, from two processes', async () => {
    const [one, two] = [await open(), await open()];
    const agent = await one.createTimite({ nick: 'jarvis', kind: 'agent', passwordHash: null });
    if (!agent.created) throw new Error('createTimite failed');
    await one.createSpace({ id: 'agents', name: 'Agents', createdAt: new Date(), createdBy: agent.timite.id });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        (n % 2 === 0 ? one : two).appendMessage({
          spaceId: 'agents',
          senderId: agent.timite.id,
          content: `beep ${n}`,
          mentions: [],
          createdAt: new Date(),
          maxAgentStreak: 5,
        }),
      ),
    );
    const created = results.flatMap((result) => (result.outcome === 'created' ? [result.update.id] : []));
    expect(created.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((result) => result.outcome === 'agent_turn_limit')).toHaveLength(35);
    expect(await two.headId('agents')).toBe(5);
  });

  it('stores one clientMsgId sent 20 times at once once, and answers every other send with it', async () => {
    const [one, two] = [await open(), await open()];
    const human = await one.createTimite({ nick: 'cy', kind: 'human', passwordHash: 'x' });
    if (!human.created) throw new Error('createTimite failed');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 === 0 ? one : two).appendMessage({
          spaceId: 'main',
          senderId: human.timite.id,
          content: 'only once',
          mentions: [],
          clientMsgId: 'retry-1',
          createdAt: new Date(),
          maxAgentStreak: 5,
        }),
      ),
    );
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
    const ids = new Set(results.map((result) => ('update' in result ? result.update.id : -1)));
    expect(ids.size).toBe(1);
  });
});

describe('createPostgresStorage: answers and timeout sweeps of two processes racing for the same calls', () => {
  const open = processesOnOneSchema();

  it('records exactly one outcome per call, and the loser of each race reads the winner', async () => {
    const [answering, sweeping] = [await open(), await open()];
    const ann = await answering.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'x' });
    const bot = await answering.createTimite({ nick: 'bot', kind: 'agent', passwordHash: null });
    if (!ann.created || !bot.created) throw new Error('createTimite failed');
    const start = Date.now();
    const callIds: number[] = [];
    for (let n = 0; n < 40; n += 1) {
      const call = await answering.appendAbilityCall({
        spaceId: 'main',
        callerId: ann.timite.id,
        targetId: bot.timite.id,
        ability: 'search',
        arguments: { n },
        createdAt: new Date(start),
        deadline: new Date(start + 10),
        maxAgentStreak: 10,
      });
      if (call.outcome !== 'created') throw new Error(`call ${n}: ${call.outcome}`);
      callIds.push(call.update.id);
    }
    const now = new Date(start + 1000);
    // The answers go newest first, the sweeps oldest deadline first: they meet in the middle.
    const answers = Promise.all(
      [...callIds].reverse().map((callId) =>
        answering.appendAbilityOutcome({
          spaceId: 'main',
          callId,
          answererId: bot.timite.id,
          status: 'ok',
          result: callId,
          createdAt: now,
        }),
      ),
    );
    const sweeps = Promise.all([sweeping.recordTimeouts(now, 15), sweeping.recordTimeouts(now, 100)]);
    const [answered, swept] = await Promise.all([answers, sweeps]);
    const timedOut = swept.flat();
    const created = answered.filter((result) => result.outcome === 'created');
    expect(created.length + timedOut.length).toBe(callIds.length);
    expect(new Set(timedOut.map((update) => update.event.callId)).size).toBe(timedOut.length);
    for (const result of answered) {
      if (result.outcome === 'created') continue;
      if (result.outcome !== 'already_answered') throw new Error(`unexpected ${result.outcome}`);
      expect(result.update.event.status).toBe('timed_out');
      expect(timedOut).toContainEqual(result.update);
    }
    // One gapless sequence: the 40 calls, then one outcome each.
    expect(await sweeping.headId('main')).toBe(80);
    expect(await answering.recordTimeouts(now, 100)).toEqual([]);
  });
});

describe('createPostgresStorage without a database to reach', () => {
  it('fails with a sentence naming the server, without its password', async () => {
    const attempt = createPostgresStorage({ connectionString: 'postgres://tim:s3cret@127.0.0.1:1/tim' });
    await expect(attempt).rejects.toThrow(
      /^Could not connect to PostgreSQL at postgres:\/\/tim:\*\*\*@127\.0\.0\.1:1\/tim: /,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});
