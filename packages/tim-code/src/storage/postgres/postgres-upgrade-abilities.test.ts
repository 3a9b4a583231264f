import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import type { AbilityStorage, MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS } from './migrations';
import { createPostgresStorage } from './postgres-storage';

/** The schema of the release before issue 16. */
const RELEASE_VERSION = 5;

/*
 * A database written by the release before issue 16 (schema version 5) opened by this one:
 * the storage migrates it in place, and calls and outcomes continue its update ids and its
 * agent streak, merged with what was there.
 */
describe('createPostgresStorage on a database at schema version 5', () => {
  const schema = uniqueSchemaName();
  let admin: Pool;
  let storage: (Storage & MessageChangeStorage & AbilityStorage) | undefined;

  beforeAll(() => {
    admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  });
  afterAll(async () => {
    await storage?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** The first five steps, as the release ran them; two messages and an edit; the agent's message last. */
  async function writeVersion5Database(): Promise<void> {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query('BEGIN');
    for (const step of MIGRATIONS.slice(0, RELEASE_VERSION)) await admin.query(step);
    await admin.query('CREATE TABLE schema_version (version integer NOT NULL)');
    await admin.query('INSERT INTO schema_version (version) VALUES ($1)', [RELEASE_VERSION]);
    await admin.query(
      `INSERT INTO timites (nick, kind, password_hash) VALUES ('ann', 'human', 'hash-ann'), ('bot', 'agent', NULL)`,
    );
    await admin.query(`INSERT INTO spaces (id, name, created_at) VALUES ('main', 'main', 1000)`);
    await admin.query(
      `INSERT INTO messages (space_id, update_id, sender_id, content, mentions, created_at, edited_at)
       VALUES ('main', 1, 1, 'search the notes', '{}', 2000, 4000), ('main', 2, 2, 'on it', '{}', 3000, NULL)`,
    );
    await admin.query(
      `INSERT INTO message_changes (space_id, update_id, kind, message_id, actor_id, created_at, data)
       VALUES ('main', 3, 'edited', 1, 1, 4000, '{"content":"search the notes","mentions":[]}')`,
    );
    await admin.query(`UPDATE spaces SET head_id = 3, agent_streak = 1 WHERE id = 'main'`);
    await admin.query('COMMIT');
  }

  it('migrates to the newest version; calls and outcomes continue the ids and the streak, merged with the old updates', async () => {
    await writeVersion5Database();
    const opened = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    storage = opened;
    const version = await admin.query<{ version: number }>('SELECT version FROM schema_version');
    expect(version.rows).toEqual([{ version: MIGRATIONS.length }]);
    expect(MIGRATIONS.length).toBeGreaterThan(RELEASE_VERSION);

    const before = await opened.readUpdates('main', { after: 0, limit: 10 });
    expect(before.map((update) => update.event.type)).toEqual(['message', 'message', 'message_edited']);
    const at = new Date(10_000);
    const call = { spaceId: 'main', ability: 'search', arguments: { q: 'notes' }, createdAt: at };
    const deadline = new Date(70_000);
    // The streak of 1 that the release kept still counts.
    expect(await opened.appendAbilityCall({ ...call, callerId: 2, targetId: 1, deadline, maxAgentStreak: 1 })).toEqual({
      outcome: 'agent_turn_limit',
    });
    const asked = await opened.appendAbilityCall({ ...call, callerId: 1, targetId: 2, deadline, maxAgentStreak: 1 });
    expect(asked).toMatchObject({ outcome: 'created', update: { id: 4, event: { callId: 4 } } });
    const answered = await opened.appendAbilityOutcome({
      spaceId: 'main',
      callId: 4,
      answererId: 2,
      createdAt: at,
      status: 'ok',
      result: ['a.md'],
    });
    expect(answered).toMatchObject({ outcome: 'created', update: { id: 5 } });
    await opened.appendAbilityCall({ ...call, callerId: 1, targetId: 2, deadline, maxAgentStreak: 1 });
    const timedOut = await opened.recordTimeouts(new Date(80_000), 10);
    expect(timedOut).toMatchObject([{ id: 7, event: { callId: 6, status: 'timed_out' } }]);

    const after = await opened.readUpdates('main', { after: 0, limit: 10 });
    expect(after.slice(0, 3)).toEqual(before);
    expect(after.map((update) => update.event.type).slice(3)).toEqual([
      'ability_call',
      'ability_outcome',
      'ability_call',
      'ability_outcome',
    ]);
    expect(await opened.readUpdates('main', { before: 8, limit: 4 })).toEqual(after.slice(3));
    expect(await opened.getCall('main', 4)).toMatchObject({ outcome: { id: 5, event: { result: ['a.md'] } } });
  });
});
