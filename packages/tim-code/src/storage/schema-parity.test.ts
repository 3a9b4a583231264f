import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../test/support/postgres';
import { MIGRATIONS as POSTGRES_MIGRATIONS } from './postgres/migrations';
import { createPostgresStorage } from './postgres/postgres-storage';
import { MIGRATIONS as SQLITE_MIGRATIONS } from './sqlite/migrations';
import { createSqliteStorage } from './sqlite/sqlite-storage';

/*
 * SQLite and PostgreSQL each have their own migrations.ts rather than one schema rendered per
 * dialect: a step, once shipped, is the exact SQL that deployed databases ran and is never
 * edited, so a shared description could change only by rewriting that history; and the
 * dialects differ in more than type names (AUTOINCREMENT and identity columns, a NOCASE column
 * and a unique index on lower(nick), a JSON text array and integer[], 0/1 and boolean, the
 * rowid and a seq column for creation order).
 *
 * This test holds the two to one schema, as each database reports it once the storage has
 * opened it: the same tables, the same columns with the same kind of value, nullability and
 * primary key, the same named indexes. The differences listed below are the deliberate ones;
 * the storage contract suite checks that both behave the same.
 */

/** In PostgreSQL only. */
const POSTGRES_ONLY = {
  /** SQLite keeps the schema version in PRAGMA user_version. */
  tables: ['schema_version'],
  /** The creation order of spaces, which SQLite reads from the rowid. */
  columns: ['spaces.seq'],
  /**
   * timites_by_nick: case-insensitive nicks, in SQLite the column's COLLATE NOCASE UNIQUE.
   * messages_by_words: full-text search, a GIN index on to_tsvector('simple', content); in
   * SQLite the FTS5 table messages_fts.
   */
  indexes: ['timites_by_nick', 'messages_by_words'],
};

/** In SQLite only. */
const SQLITE_ONLY = {
  /**
   * Full-text search: the FTS5 table messages_fts (external content: messages.content, kept
   * by triggers) and the shadow tables FTS5 keeps its index in; PostgreSQL's twin is the
   * messages_by_words index.
   */
  tables: ['messages_fts', 'messages_fts_config', 'messages_fts_data', 'messages_fts_docsize', 'messages_fts_idx'],
};

/** The same value in each dialect's own form. */
const KIND_BY_DIALECT: Record<string, { sqlite: string; postgres: string }> = {
  /** 0 or 1 under a CHECK in SQLite. */
  'timites.revoked': { sqlite: 'integer', postgres: 'boolean' },
  /** A JSON array of timite ids in SQLite, integer[] in PostgreSQL. */
  'messages.mentions': { sqlite: 'text', postgres: 'array' },
};

/** table → column → e.g. `integer not null primary key`; plus the named indexes. */
interface SchemaDescription {
  tables: Record<string, Record<string, string>>;
  indexes: string[];
}

function describeColumn(kind: string, notNull: boolean, primaryKey: boolean): string {
  return [kind, notNull ? 'not null' : '', primaryKey ? 'primary key' : ''].filter((part) => part !== '').join(' ');
}

function sqliteKind(declaredType: string): string {
  return declaredType.toLowerCase();
}

function postgresKind(dataType: string): string {
  if (dataType === 'integer' || dataType === 'bigint') return 'integer';
  if (dataType === 'ARRAY') return 'array';
  return dataType;
}

function describeSqlite(file: string): SchemaDescription {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    const columnsOf = db.prepare<[string], { name: string; type: string; notnull: number; pk: number }>(
      'SELECT name, type, "notnull", pk FROM pragma_table_info(?)',
    );
    const described: SchemaDescription['tables'] = {};
    for (const table of tables) {
      if (SQLITE_ONLY.tables.includes(table)) continue;
      described[table] = Object.fromEntries(
        columnsOf.all(table).map((column) => {
          const kind = KIND_BY_DIALECT[`${table}.${column.name}`]?.postgres ?? sqliteKind(column.type);
          // tim-code never writes NULL to a key (SQLite would take one in a TEXT key, an old quirk).
          return [column.name, describeColumn(kind, column.notnull === 1 || column.pk > 0, column.pk > 0)];
        }),
      );
    }
    // Indexes SQLite makes for UNIQUE and PRIMARY KEY have no SQL.
    const indexes = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
      .pluck()
      .all();
    return { tables: described, indexes: indexes.sort() };
  } finally {
    db.close();
  }
}

async function describePostgres(pool: Pool, schema: string): Promise<SchemaDescription> {
  const { rows: columns } = await pool.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: 'YES' | 'NO';
    is_primary_key: boolean;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,
            EXISTS (
              SELECT 1 FROM information_schema.table_constraints t
              JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
              WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
                AND t.table_name = c.table_name AND k.column_name = c.column_name
            ) AS is_primary_key
     FROM information_schema.columns c WHERE c.table_schema = $1`,
    [schema],
  );
  const tables: SchemaDescription['tables'] = {};
  for (const column of columns) {
    const path = `${column.table_name}.${column.column_name}`;
    if (POSTGRES_ONLY.tables.includes(column.table_name) || POSTGRES_ONLY.columns.includes(path)) continue;
    const kind = postgresKind(column.data_type);
    (tables[column.table_name] ??= {})[column.column_name] = describeColumn(
      kind,
      column.is_nullable === 'NO',
      column.is_primary_key,
    );
  }
  // Indexes behind constraints (primary keys, UNIQUE) carry the constraint's name.
  const { rows: indexes } = await pool.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes WHERE schemaname = $1
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace)`,
    [schema],
  );
  return {
    tables,
    indexes: indexes
      .map((index) => index.indexname)
      .filter((name) => !POSTGRES_ONLY.indexes.includes(name))
      .sort(),
  };
}

describe('the SQLite and PostgreSQL schemas', () => {
  let dir: string;
  let pool: Pool;
  const schema = uniqueSchemaName();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-schema-parity-'));
    pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('have as many migration steps, so a schema version means the same in both', () => {
    expect(POSTGRES_MIGRATIONS.length).toBe(SQLITE_MIGRATIONS.length);
  });

  it('have the same tables, columns and named indexes, but for the listed differences', async () => {
    const file = join(dir, 'tim.db');
    await createSqliteStorage({ file }).close();
    await (await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 1 })).close();

    const sqlite = describeSqlite(file);
    const postgres = await describePostgres(pool, schema);
    expect(Object.keys(sqlite.tables).sort()).toEqual([
      'ability_calls',
      'ability_outcomes',
      'invite_codes',
      'message_changes',
      'messages',
      'read_markers',
      'revocations',
      'sessions',
      'space_members',
      'spaces',
      'timites',
    ]);
    expect(sqlite.tables['spaces']).toMatchObject({
      visibility: 'text not null',
      kind: 'text not null',
      archived_at: 'integer',
      dm_key: 'text',
    });
    expect(sqlite.indexes).toEqual(expect.arrayContaining(['spaces_by_dm_key', 'space_members_by_timite']));
    expect(sqlite.tables['timites']).toMatchObject({ id: 'integer not null primary key', revoked: 'boolean not null' });
    expect(postgres).toEqual(sqlite);
  });
});
