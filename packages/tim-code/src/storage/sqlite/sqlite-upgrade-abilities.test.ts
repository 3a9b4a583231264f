import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AbilityStorage, MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS, readUserVersion } from './migrations';
import { createSqliteStorage } from './sqlite-storage';

const T0 = Date.parse('2026-03-04T05:06:07.890Z');
/** The schema of the release before issue 16. */
const RELEASE_VERSION = 5;

/**
 * Writes a database as the release before issue 16 left it: its five steps, two messages and
 * an edit, and the space counters as its appends kept them (the agent's message last, so the
 * streak is 1).
 */
function writeReleaseDatabase(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    for (const [index, sql] of MIGRATIONS.slice(0, RELEASE_VERSION).entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    }
    db.exec(`
      INSERT INTO timites (nick, kind, password_hash) VALUES ('ann', 'human', 'h'), ('bot', 'agent', NULL);
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('main', 'main', ${T0}, NULL);
      INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, edited_at)
      VALUES ('main', 1, 1, 'search the notes', '[]', NULL, ${T0 + 1}, ${T0 + 3}),
             ('main', 2, 2, 'on it', '[]', NULL, ${T0 + 2}, NULL);
      INSERT INTO message_changes (space_id, update_id, kind, message_id, actor_id, created_at, data)
      VALUES ('main', 3, 'edited', 1, 1, ${T0 + 3}, '{"content":"search the notes","mentions":[]}');
      UPDATE spaces SET head_id = 3, agent_streak = 1 WHERE id = 'main';
    `);
  } finally {
    db.close();
  }
}

describe('createSqliteStorage on a database of the release before issue 16', () => {
  let dir: string;
  let file: string;
  let storage: Storage & MessageChangeStorage & AbilityStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-upgrade-16-'));
    file = join(dir, 'tim.db');
    writeReleaseDatabase(file);
    storage = createSqliteStorage({ file });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates it in place to the newest schema, with the ability tables', () => {
    const raw = new Database(file, { readonly: true });
    try {
      expect(readUserVersion(raw)).toBe(MIGRATIONS.length);
      expect(MIGRATIONS.length).toBeGreaterThan(RELEASE_VERSION);
      const tables = raw
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'ability_%'")
        .pluck()
        .all();
      expect(tables.sort()).toEqual(['ability_calls', 'ability_outcomes']);
    } finally {
      raw.close();
    }
  });

  it('continues the update ids and the agent streak with calls and outcomes, merged with the old updates', async () => {
    const before = await storage.readUpdates('main', { after: 0, limit: 10 });
    expect(before.map((update) => update.event.type)).toEqual(['message', 'message', 'message_edited']);
    const at = new Date(T0 + 10_000);
    const call = { spaceId: 'main', ability: 'search', arguments: { q: 'notes' }, createdAt: at };
    const deadline = new Date(T0 + 70_000);
    // The streak of 1 that the release kept still counts.
    expect(await storage.appendAbilityCall({ ...call, callerId: 2, targetId: 1, deadline, maxAgentStreak: 1 })).toEqual(
      { outcome: 'agent_turn_limit' },
    );
    const asked = await storage.appendAbilityCall({ ...call, callerId: 1, targetId: 2, deadline, maxAgentStreak: 1 });
    expect(asked).toMatchObject({ outcome: 'created', update: { id: 4, event: { callId: 4 } } });
    const answer = { spaceId: 'main', callId: 4, answererId: 2, createdAt: at };
    const answered = await storage.appendAbilityOutcome({ ...answer, status: 'ok', result: ['a.md'] });
    expect(answered).toMatchObject({ outcome: 'created', update: { id: 5 } });
    await storage.appendAbilityCall({ ...call, callerId: 1, targetId: 2, deadline, maxAgentStreak: 1 });
    const timedOut = await storage.recordTimeouts(new Date(T0 + 80_000), 10);
    expect(timedOut).toMatchObject([{ id: 7, event: { callId: 6, status: 'timed_out' } }]);

    const after = await storage.readUpdates('main', { after: 0, limit: 10 });
    expect(after.slice(0, 3)).toEqual(before);
    expect(after.map((update) => update.event.type).slice(3)).toEqual([
      'ability_call',
      'ability_outcome',
      'ability_call',
      'ability_outcome',
    ]);
    expect(await storage.readUpdates('main', { before: 8, limit: 4 })).toEqual(after.slice(3));
    expect(await storage.getCall('main', 4)).toMatchObject({ outcome: { id: 5, event: { result: ['a.md'] } } });
  });
});
