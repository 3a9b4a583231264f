import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import type { AccessStorage, MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS } from './migrations';
import { createPostgresStorage } from './postgres-storage';

/** The schema of the release before issue 19. */
const RELEASE_VERSION = 6;
const T0 = Date.parse('2026-01-02T03:04:05.678Z');

/*
 * A database written by the release before issue 19 (schema version 6) opened by this one:
 * every space stays public, creators become owners, main has no members, messages are intact.
 */
describe('createPostgresStorage on a database at schema version 6', () => {
  const schema = uniqueSchemaName();
  let admin: Pool;
  let storage: (Storage & MessageChangeStorage & AccessStorage) | undefined;

  beforeAll(() => {
    admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  });
  afterAll(async () => {
    await storage?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  async function writeVersion6Database(): Promise<void> {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query('BEGIN');
    for (const step of MIGRATIONS.slice(0, RELEASE_VERSION)) await admin.query(step);
    await admin.query('CREATE TABLE schema_version (version integer NOT NULL)');
    await admin.query('INSERT INTO schema_version (version) VALUES ($1)', [RELEASE_VERSION]);
    await admin.query(
      `INSERT INTO timites (nick, kind, password_hash) VALUES ('ann', 'human', 'h'), ('bob', 'human', 'h'), ('bot', 'agent', NULL)`,
    );
    await admin.query(
      `INSERT INTO spaces (id, name, created_at, created_by) VALUES
         ('main', 'main', $1, NULL), ('dev', 'Dev', $2, 1), ('ops', 'Ops', $3, 2), ('old', 'Old', $4, 99)`,
      [T0, T0 + 1, T0 + 2, T0 + 3],
    );
    await admin.query(
      `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, created_at)
       VALUES ('dev', 1, 1, 'deploy notes', '{}', $1), ('main', 1, 2, 'hello all', '{}', $2),
              ('ops', 1, 3, 'deploy done @bob', '{2}', $3)`,
      [T0 + 10, T0 + 11, T0 + 12],
    );
    await admin.query(`UPDATE spaces SET head_id = 1 WHERE id IN ('dev', 'main', 'ops')`);
    await admin.query('COMMIT');
  }

  it('migrates in place: every space public, creators owners, main with no members, messages intact', async () => {
    await writeVersion6Database();
    const opened = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    storage = opened;
    const version = await admin.query<{ version: number }>('SELECT version FROM schema_version');
    expect(version.rows).toEqual([{ version: MIGRATIONS.length }]);
    expect(MIGRATIONS.length).toBeGreaterThan(RELEASE_VERSION);

    const spaces = await opened.listSpaces({ limit: 10 });
    expect(spaces.map((space) => [space.id, space.visibility, space.kind, space.archivedAt])).toEqual([
      ['main', 'public', 'space', undefined],
      ['dev', 'public', 'space', undefined],
      ['ops', 'public', 'space', undefined],
      ['old', 'public', 'space', undefined],
    ]);
    const membersOf = async (spaceId: string) =>
      (await opened.listMembers(spaceId)).map((member) => [member.timite.nick, member.role, member.joinedAt]);
    expect(await membersOf('main')).toEqual([]);
    expect(await membersOf('dev')).toEqual([['ann', 'owner', new Date(T0 + 1).toISOString()]]);
    expect(await membersOf('ops')).toEqual([['bob', 'owner', new Date(T0 + 2).toISOString()]]);
    expect(await membersOf('old')).toEqual([]);

    const dev = await opened.readUpdates('dev', { after: 0, limit: 10 });
    expect(dev).toMatchObject([{ id: 1, event: { type: 'message', message: { content: 'deploy notes' } } }]);
    const found = await opened.searchMessages({ terms: ['deploy'], order: 'newest', limit: 10, readerId: 3 });
    expect(found.results.map((hit) => hit.message.content)).toEqual(['deploy done @bob', 'deploy notes']);
    const listed = await opened.listSpacesFor({ readerId: 3, scope: 'all', limit: 10 });
    expect(listed.map((access) => access.space.id)).toEqual(['main', 'dev', 'ops', 'old']);

    // The owner makes its space private: the others' search no longer reaches it.
    const at = new Date(T0 + 20);
    expect(
      await opened.updateSpace({ spaceId: 'dev', actor: { timiteId: 1 }, visibility: 'private', at }),
    ).toMatchObject({
      outcome: 'updated',
      space: { visibility: 'private' },
    });
    const hidden = await opened.searchMessages({ terms: ['deploy'], order: 'newest', limit: 10, readerId: 2 });
    expect(hidden.results.map((hit) => hit.message.spaceId)).toEqual(['ops']);
    const appended = await opened.appendMessage({
      spaceId: 'dev',
      senderId: 1,
      content: 'still here',
      mentions: [],
      createdAt: at,
      maxAgentStreak: 10,
    });
    expect(appended).toMatchObject({ outcome: 'created', update: { id: 2 } });
  });
});
