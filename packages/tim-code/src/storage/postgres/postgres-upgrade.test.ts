import { messageOf, type Update } from '@tim/protocol';
import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import type { MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS } from './migrations';
import { createPostgresStorage } from './postgres-storage';

/*
 * A database written by the release before issue 17 (schema version 4) opened by this one:
 * the storage migrates it in place, and what was there reads back as it was and takes part
 * in everything new.
 */
describe('createPostgresStorage on a database at schema version 4', () => {
  const schema = uniqueSchemaName();
  let admin: Pool;
  let storage: (Storage & MessageChangeStorage) | undefined;

  beforeAll(() => {
    admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  });
  afterAll(async () => {
    await storage?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** The first four steps, as the release ran them, and rows as its appendMessage wrote them. */
  async function writeVersion4Database(): Promise<void> {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query('BEGIN');
    for (const step of MIGRATIONS.slice(0, 4)) await admin.query(step);
    await admin.query('CREATE TABLE schema_version (version integer NOT NULL)');
    await admin.query('INSERT INTO schema_version (version) VALUES (4)');
    await admin.query(
      `INSERT INTO timites (nick, kind, password_hash) VALUES ('ann', 'human', 'hash-ann'), ('bot', 'agent', NULL)`,
    );
    await admin.query(`INSERT INTO spaces (id, name, created_at) VALUES ('main', 'main', 1000)`);
    const insert = `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream)
      VALUES ('main', $1, $2, $3, $4, $5, $6, $7)`;
    await admin.query(insert, [1, 1, 'hello upgraded world', [], 'c-1', 2000, null]);
    await admin.query(insert, [
      2,
      2,
      'a streamed answer for @ann',
      [1],
      null,
      3000,
      '{"id":"stream-0001","end":"finished"}',
    ]);
    await admin.query(insert, [3, 1, 'third and last', [], null, 4000, null]);
    await admin.query(`UPDATE spaces SET head_id = 3, agent_streak = 0 WHERE id = 'main'`);
    await admin.query('COMMIT');
  }

  const ann = { id: 1, nick: 'ann', kind: 'human' } as const;
  const bot = { id: 2, nick: 'bot', kind: 'agent' } as const;
  const before: Update[] = [
    {
      id: 1,
      spaceId: 'main',
      at: new Date(2000).toISOString(),
      event: {
        type: 'message',
        message: {
          id: 1,
          spaceId: 'main',
          sender: ann,
          content: 'hello upgraded world',
          mentions: [],
          createdAt: new Date(2000).toISOString(),
          clientMsgId: 'c-1',
        },
      },
    },
    {
      id: 2,
      spaceId: 'main',
      at: new Date(3000).toISOString(),
      event: {
        type: 'message',
        message: {
          id: 2,
          spaceId: 'main',
          sender: bot,
          content: 'a streamed answer for @ann',
          mentions: [1],
          createdAt: new Date(3000).toISOString(),
          stream: { id: 'stream-0001', end: 'finished' },
        },
      },
    },
    {
      id: 3,
      spaceId: 'main',
      at: new Date(4000).toISOString(),
      event: {
        type: 'message',
        message: {
          id: 3,
          spaceId: 'main',
          sender: ann,
          content: 'third and last',
          mentions: [],
          createdAt: new Date(4000).toISOString(),
        },
      },
    },
  ];

  it('migrates to the newest version; the old messages read back unchanged and take edits, deletes, reactions and search', async () => {
    await writeVersion4Database();
    const opened = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    storage = opened;
    const version = await admin.query<{ version: number }>('SELECT version FROM schema_version');
    expect(version.rows).toEqual([{ version: MIGRATIONS.length }]);
    expect(MIGRATIONS.length).toBeGreaterThan(4);

    expect(await opened.readUpdates('main', { after: 0, limit: 10 })).toEqual(before);
    expect(await opened.readUpdates('main', { before: 4, limit: 2 })).toEqual(before.slice(1));
    expect(await opened.getMessage({ spaceId: 'main', messageId: 2 })).toEqual({
      message: messageOf(before[1]),
      updateId: 2,
    });
    const retry = await opened.appendMessage({
      spaceId: 'main',
      senderId: ann.id,
      content: 'hello upgraded world',
      mentions: [],
      clientMsgId: 'c-1',
      createdAt: new Date(9000),
      maxAgentStreak: 10,
    });
    expect(retry).toEqual({ outcome: 'duplicate', update: before[0] });
    const found = await opened.searchMessages({ terms: ['upgrad'], order: 'newest', limit: 10 });
    expect(found.results.map((result) => result.message.id)).toEqual([1]);
    const unread = await opened.unreadCounts(bot.id, ['main'], 100);
    expect(unread.get('main')).toEqual({ readUpTo: 0, messages: 2, mentions: 0 });

    const at = new Date(5000);
    const edit = await opened.editMessage({
      spaceId: 'main',
      messageId: 1,
      editorId: ann.id,
      content: 'hello migrated world',
      mentions: [],
      editedAt: at,
    });
    expect(edit.outcome === 'changed' && edit.update.id).toBe(4);
    const deletion = await opened.deleteMessage({ spaceId: 'main', messageId: 2, actorId: bot.id, deletedAt: at });
    expect(deletion.outcome === 'changed' && deletion.update.id).toBe(5);
    const reaction = await opened.changeReaction({
      spaceId: 'main',
      messageId: 3,
      timiteId: bot.id,
      emoji: '👍',
      add: true,
      at,
      maxEmojiPerMessage: 20,
      maxReactionsPerTimite: 10,
    });
    expect(reaction.outcome === 'changed' && reaction.update.id).toBe(6);

    const reply = await opened.appendMessage({
      spaceId: 'main',
      senderId: bot.id,
      content: 'a reply to the first',
      mentions: [],
      replyTo: 1,
      createdAt: at,
      maxAgentStreak: 10,
    });
    expect(reply.outcome).toBe('created');
    if (reply.outcome !== 'created') return;
    expect(reply.update.id).toBe(7);
    expect(reply.update.event.message).toMatchObject({ id: 4, replyTo: 1 });

    const timeline = await opened.readUpdates('main', { after: 0, limit: 10 });
    expect(timeline.map((update) => update.event.type)).toEqual([
      'message',
      'message',
      'message',
      'message_edited',
      'message_deleted',
      'reaction',
      'message',
    ]);
    const search = (term: string) =>
      opened
        .searchMessages({ terms: [term], order: 'relevance', limit: 10 })
        .then((page) => page.results.map((result) => result.message.id));
    expect(await search('migrated')).toEqual([1]);
    expect(await search('upgraded')).toEqual([]);
    expect(await search('streamed')).toEqual([]);
    expect(await search('third')).toEqual([3]);
  });
});
