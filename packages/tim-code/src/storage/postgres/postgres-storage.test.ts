import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import { describeMessageChangeContracts, type MakeFullStorage } from '../message-change.contract';
import type { Storage } from '../storage';
import { describeStorageContract } from '../storage.contract';
import { createPostgresStorage } from './postgres-storage';

/** Each test gets a schema of its own in the machine's PostgreSQL, dropped afterwards. */
const makeStorage: MakeFullStorage = async () => {
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

describe('createPostgresStorage with several processes on one database', () => {
  const schema = uniqueSchemaName();
  const opened: Storage[] = [];
  const open = async (): Promise<Storage> => {
    const storage = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
    opened.push(storage);
    return storage;
  };
  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    const admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

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

describe('createPostgresStorage without a database to reach', () => {
  it('fails with a sentence naming the server, without its password', async () => {
    const attempt = createPostgresStorage({ connectionString: 'postgres://tim:s3cret@127.0.0.1:1/tim' });
    await expect(attempt).rejects.toThrow(
      /^Could not connect to PostgreSQL at postgres:\/\/tim:\*\*\*@127\.0\.0\.1:1\/tim: /,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});
