import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MessageChangeStorage, Storage } from '../storage';
import { createSqliteStorage } from './sqlite-storage';

const T0 = new Date('2026-01-02T03:04:05.678Z');
/** Words no other text in the file contains: the first is in the original, the second only in the edit. */
const ORIGINAL_WORD = 'quokkaflatbread';
const EDITED_WORD = 'zyxwombatillo';

/*
 * A delete must erase (issue 17): the message's text, the text of its earlier edits and its
 * search index entry leave the database file, not merely the answers. The test reads every
 * table and then the raw bytes of the file once the WAL is checkpointed into it.
 */
describe('deleteMessage on SQLite', () => {
  let dir: string;
  let file: string;
  let storage: Storage & MessageChangeStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-erase-'));
    file = join(dir, 'tim.db');
    storage = createSqliteStorage({ file });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Every value of every table (the FTS5 shadow tables' blobs as bytes) that contains `word`. */
  function tablesContaining(raw: Database.Database, word: string): string[] {
    const tables = raw
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(['messages', 'message_changes', 'messages_fts', 'messages_fts_data']),
    );
    const found: string[] = [];
    for (const table of tables) {
      const rows = raw.prepare<[], Record<string, unknown>>(`SELECT * FROM "${table}"`).all();
      for (const value of rows.flatMap((row) => Object.values(row))) {
        const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
        if (text.toLowerCase().includes(word)) found.push(table);
      }
    }
    return found;
  }

  /** The terms the search index holds, read through an fts5vocab table of the connection's temp schema. */
  function indexedTerms(raw: Database.Database): string[] {
    raw.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, 'messages_fts', 'row')");
    return raw.prepare<[], string>('SELECT term FROM temp.terms').pluck().all();
  }

  /** Checkpoints the WAL into the file and empties it; answers the bytes of the file and of what is left of the WAL. */
  function fileBytes(raw: Database.Database): Buffer {
    const [checkpoint] = raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    expect(checkpoint?.busy).toBe(0);
    const wal = `${file}-wal`;
    return Buffer.concat([readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
  }

  it('leaves no trace of the content or of its earlier edit: not in any table, the index or the file', async () => {
    const created = await storage.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'h' });
    const other = await storage.createTimite({ nick: 'bob', kind: 'human', passwordHash: 'h' });
    if (!created.created || !other.created) throw new Error('The timites were not created.');
    const [ann, bob] = [created.timite, other.timite];
    const base = { spaceId: 'main', mentions: [], createdAt: T0, maxAgentStreak: 10 };
    await storage.appendMessage({ ...base, senderId: bob.id, content: 'an ordinary morning' });
    const appended = await storage.appendMessage({
      ...base,
      senderId: ann.id,
      content: `bring the ${ORIGINAL_WORD} to the picnic @bob`,
      mentions: [bob.id],
    });
    if (appended.outcome !== 'created') throw new Error('The message was not created.');
    const messageId = appended.update.event.message.id;
    await storage.appendMessage({ ...base, senderId: bob.id, content: 'sounds good', replyTo: messageId });
    const ref = { spaceId: 'main', messageId };
    const edit = await storage.editMessage({
      ...ref,
      editorId: ann.id,
      content: `no, bring the ${EDITED_WORD} instead`,
      mentions: [],
      editedAt: T0,
    });
    expect(edit.outcome).toBe('changed');
    const reaction = { ...ref, timiteId: bob.id, emoji: '👍', add: true, at: T0 };
    const limits = { maxEmojiPerMessage: 20, maxReactionsPerTimite: 10 };
    expect((await storage.changeReaction({ ...reaction, ...limits })).outcome).toBe('changed');

    const raw = new Database(file);
    try {
      // The check can fail: before the delete, the edited word is in the tables, the index and
      // the file, and the original word at least in the file (the edit overwrote it in place).
      expect(tablesContaining(raw, EDITED_WORD)).toEqual(
        expect.arrayContaining(['messages', 'message_changes', 'messages_fts']),
      );
      expect(indexedTerms(raw)).toContain(EDITED_WORD);
      expect(fileBytes(raw).includes(EDITED_WORD)).toBe(true);

      expect((await storage.deleteMessage({ ...ref, actorId: ann.id, deletedAt: T0 })).outcome).toBe('changed');

      for (const word of [ORIGINAL_WORD, EDITED_WORD]) {
        expect(tablesContaining(raw, word)).toEqual([]);
        expect(indexedTerms(raw).filter((term) => term.includes(word.slice(0, 6)))).toEqual([]);
        expect(fileBytes(raw).includes(word)).toBe(false);
      }
      // What the delete must keep is still there.
      expect(indexedTerms(raw)).toEqual(expect.arrayContaining(['ordinary', 'morning', 'sounds', 'good']));
      expect(await storage.searchMessages({ terms: ['zyx'], order: 'newest', limit: 10 })).toEqual({ results: [] });
    } finally {
      raw.close();
    }
  });
});
