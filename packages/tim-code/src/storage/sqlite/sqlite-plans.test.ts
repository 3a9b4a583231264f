import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStorage } from './sqlite-storage';
import { prepareStatements, type Statements } from './statements';

/*
 * The plans of the statements on hot or growing paths, as SQLite reports them for the very
 * statements the store runs: a page of the timeline walks four keys in order and merges them
 * (no sort of the space's updates), 'newest' search walks the FTS5 index by rowid from the
 * cursor down, unread counts and the erase of a message's edits use their keys.
 */
describe('SQLite query plans', () => {
  let dir: string;
  let db: Database.Database;
  let sql: Statements;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-plans-'));
    const file = join(dir, 'tim.db');
    await createSqliteStorage({ file }).close();
    db = new Database(file);
    sql = prepareStatements(db);
  });

  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  function planOf(statement: Database.Statement, params: object): string[] {
    return db
      .prepare<[object], { detail: string }>(`EXPLAIN QUERY PLAN ${statement.source}`)
      .all(params)
      .map((step) => step.detail);
  }

  it('reads a timeline page forward by merging the key range scans of its four tables, without a sort', () => {
    const plan = planOf(sql.timelineAfter, { spaceId: 'main', after: 10, limit: 100 });
    expect(plan).toEqual(
      expect.arrayContaining([
        'MERGE (UNION ALL)',
        'SEARCH m USING INDEX sqlite_autoindex_messages_1 (space_id=? AND update_id>?)',
        'SEARCH c USING PRIMARY KEY (space_id=? AND update_id>?)',
        'SEARCH ac USING PRIMARY KEY (space_id=? AND update_id>?)',
        'SEARCH ao USING PRIMARY KEY (space_id=? AND update_id>?)',
      ]),
    );
    expect(plan.filter((step) => step.includes('TEMP B-TREE'))).toEqual([]);
  });

  it('reads a timeline page backward the same way, sorting only the page it keeps', () => {
    const plan = planOf(sql.timelineBefore, { spaceId: 'main', before: 10, limit: 100 });
    expect(plan).toEqual(
      expect.arrayContaining([
        'MERGE (UNION ALL)',
        'SEARCH m USING INDEX sqlite_autoindex_messages_1 (space_id=? AND update_id<?)',
        'SEARCH c USING PRIMARY KEY (space_id=? AND update_id<?)',
        'SEARCH ac USING PRIMARY KEY (space_id=? AND update_id<?)',
        'SEARCH ao USING PRIMARY KEY (space_id=? AND update_id<?)',
      ]),
    );
    expect(plan.filter((step) => step.includes('TEMP B-TREE'))).toHaveLength(1);
  });

  it("searches 'newest' from the FTS5 index in rowid order, without a sort", () => {
    const params = { match: '"deploy"*', spaceIds: null, limit: 20, before: 1000 };
    const plan = planOf(sql.searchNewest, { ...params, readerId: null });
    expect(plan[0]).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX/);
    expect(plan.filter((step) => step.includes('TEMP B-TREE'))).toEqual([]);
    // A reader's filter looks each match's space up by key, and its membership by key.
    const forReader = planOf(sql.searchNewest, { ...params, readerId: 1 });
    expect(forReader[0]).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX/);
    expect(forReader.filter((step) => step.includes('TEMP B-TREE') || /^SCAN (s|sm)\b/.test(step))).toEqual([]);
  });

  it('counts unread messages through the (space_id, update_id) key and erases edits through their index', () => {
    const unread = planOf(sql.unreadCounts, { timiteId: 1, spaceIds: '["main"]', cap: 1000 });
    expect(unread.filter((step) => step.startsWith('SEARCH m '))).toEqual([
      'SEARCH m USING INDEX sqlite_autoindex_messages_1 (space_id=? AND update_id>?)',
      'SEARCH m USING INDEX sqlite_autoindex_messages_1 (space_id=? AND update_id>?)',
    ]);
    expect(planOf(sql.eraseEdits, [1])).toEqual([
      'SEARCH message_changes USING INDEX message_changes_by_message (message_id=?)',
    ]);
  });
});
