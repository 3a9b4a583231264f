import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import type { MessageChangeStorage, Storage } from '../storage';
import { createPostgresStorage } from './postgres-storage';
import { prefixQuery, searchStatement } from './search';

/** A store in a schema of its own, and a connection that reads its tables directly. */
function useRawStore(): { storage: () => Storage & MessageChangeStorage; admin: () => Pool } {
  const schema = uniqueSchemaName();
  let storage: (Storage & MessageChangeStorage) | undefined;
  let admin: Pool | undefined;
  beforeAll(async () => {
    storage = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  });
  afterAll(async () => {
    await storage?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });
  return {
    storage: () => {
      if (storage === undefined) throw new Error('No store outside a test.');
      return storage;
    },
    admin: () => {
      if (admin === undefined) throw new Error('No connection outside a test.');
      return admin;
    },
  };
}

describe('PostgreSQL deleteMessage', () => {
  const store = useRawStore();

  /** How many rows of each table of the schema hold `word` anywhere, in any column. */
  async function rowsHolding(word: string): Promise<Record<string, number>> {
    const { rows: tables } = await store
      .admin()
      .query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
      );
    const found: Record<string, number> = {};
    for (const { table_name: table } of tables) {
      // Table names come from the catalog, not from input.
      const { rows } = await store
        .admin()
        .query<{ count: number }>(`SELECT count(*)::integer AS count FROM ${table} t WHERE t::text ILIKE $1`, [
          `%${word}%`,
        ]);
      if ((rows[0]?.count ?? 0) > 0) found[table] = rows[0]?.count ?? 0;
    }
    return found;
  }

  it('leaves no row holding the words of the message or of its earlier edit, and search finds neither', async () => {
    const storage = store.storage();
    const created = await storage.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'x' });
    const other = await storage.createTimite({ nick: 'bob', kind: 'human', passwordHash: 'x' });
    if (!created.created || !other.created) throw new Error('createTimite failed');
    const [ann, bob] = [created.timite, other.timite];
    const append = async (content: string) => {
      const result = await storage.appendMessage({
        spaceId: 'main',
        senderId: ann.id,
        content,
        mentions: [],
        createdAt: new Date(),
        maxAgentStreak: 10,
      });
      if (result.outcome !== 'created') throw new Error(result.outcome);
      return result.update.event.message.id;
    };
    const kept = await append('the keepsake stays');
    const doomed = await append('the zebracorn plan');
    const edit = await storage.editMessage({
      spaceId: 'main',
      messageId: doomed,
      editorId: ann.id,
      content: 'the zebracorn plan, with a quokkafish for @bob',
      mentions: [bob.id],
      editedAt: new Date(),
    });
    expect(edit.outcome).toBe('changed');
    const reaction = await storage.changeReaction({
      spaceId: 'main',
      messageId: doomed,
      timiteId: bob.id,
      emoji: '👀',
      add: true,
      at: new Date(),
      maxEmojiPerMessage: 20,
      maxReactionsPerTimite: 10,
    });
    expect(reaction.outcome).toBe('changed');
    // The check can fail: before the delete, both words are in the message and in its edit.
    expect(await rowsHolding('zebracorn')).toEqual({ messages: 1, message_changes: 1 });
    expect(await rowsHolding('quokkafish')).toEqual({ messages: 1, message_changes: 1 });
    expect(await storage.searchMessages({ terms: ['zebra', 'quokka'], order: 'newest', limit: 10 })).toMatchObject({
      results: [{ message: { id: doomed } }],
    });

    const deletion = await storage.deleteMessage({
      spaceId: 'main',
      messageId: doomed,
      actorId: ann.id,
      deletedAt: new Date(),
    });
    expect(deletion.outcome).toBe('changed');

    expect(await rowsHolding('zebracorn')).toEqual({});
    expect(await rowsHolding('quokkafish')).toEqual({});
    expect(await rowsHolding('keepsake')).toEqual({ messages: 1 });
    const { rows } = await store
      .admin()
      .query<{ mentions: number[]; reactions: string | null }>(
        'SELECT mentions, reactions FROM messages WHERE id = $1',
        [doomed],
      );
    expect(rows).toEqual([{ mentions: [], reactions: null }]);
    for (const term of ['zebracorn', 'quokkafish', 'plan']) {
      for (const order of ['newest', 'relevance'] as const) {
        expect(await storage.searchMessages({ terms: [term], order, limit: 10 })).toEqual({ results: [] });
      }
    }
    const keepsake = await storage.searchMessages({ terms: ['keep'], order: 'newest', limit: 10 });
    expect(keepsake.results.map((result) => result.message.id)).toEqual([kept]);
  });
});

describe('PostgreSQL search', () => {
  const store = useRawStore();

  it('builds the prefix query from checked terms only', () => {
    expect(prefixQuery(['apple', 'pie'])).toBe('apple:* & pie:*');
    expect(prefixQuery(['été', '42'])).toBe('été:* & 42:*');
    expect(() => prefixQuery(["x' | y"])).toThrow('Not a search term');
    expect(() => prefixQuery(['a:*'])).toThrow('Not a search term');
    expect(() => prefixQuery(['!a'])).toThrow('Not a search term');
  });

  it('reads the GIN index on a few thousand messages, in both orders', async () => {
    const storage = store.storage();
    const created = await storage.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'x' });
    if (!created.created) throw new Error('createTimite failed');
    // Rows as appendMessage writes them, inserted in one statement to keep the test quick.
    await store.admin().query(
      `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, created_at)
       SELECT 'main', n, $1, CASE WHEN n % 500 = 0 THEN 'a rare needle ' || n ELSE 'common chatter number ' || n END,
              '{}', n
       FROM generate_series(1, 4000) AS n`,
      [created.timite.id],
    );
    await store.admin().query(`UPDATE spaces SET head_id = 4000 WHERE id = 'main'`);
    await store.admin().query('ANALYZE messages');

    for (const order of ['newest', 'relevance'] as const) {
      const search = { terms: ['needl'], order, limit: 20, spaceIds: ['main'] };
      const { text, values } = searchStatement(search);
      const { rows } = await store.admin().query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('messages_by_words');
      expect(plan).not.toMatch(/Seq Scan on messages/);
      const page = await storage.searchMessages(search);
      expect(page.results).toHaveLength(8);
    }
  });
});
