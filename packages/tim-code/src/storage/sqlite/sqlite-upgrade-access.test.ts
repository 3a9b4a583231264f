import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AccessStorage, MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS, readUserVersion } from './migrations';
import { createSqliteStorage } from './sqlite-storage';

/** The schema of the release before issue 19. */
const RELEASE_VERSION = 6;
const T0 = Date.parse('2026-01-02T03:04:05.678Z');

/**
 * A database as the release before issue 19 left it: main (no creator), two spaces created by
 * timites, one whose creator's row is gone from the picture (an id no timite has), and messages.
 */
function writeVersion6Database(file: string): void {
  const db = new Database(file);
  try {
    for (const [index, sql] of MIGRATIONS.slice(0, RELEASE_VERSION).entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    }
    db.exec(`
      INSERT INTO timites (nick, kind, password_hash) VALUES ('ann', 'human', 'h'), ('bob', 'human', 'h'), ('bot', 'agent', NULL);
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('main', 'main', ${T0}, NULL);
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('dev', 'Dev', ${T0 + 1}, 1);
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('ops', 'Ops', ${T0 + 2}, 2);
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('old', 'Old', ${T0 + 3}, 99);
      INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at)
      VALUES ('dev', 1, 1, 'deploy notes', '[]', NULL, ${T0 + 10}),
             ('main', 1, 2, 'hello all', '[]', NULL, ${T0 + 11}),
             ('ops', 1, 3, 'deploy done @bob', '[2]', NULL, ${T0 + 12});
      UPDATE spaces SET head_id = 1 WHERE id IN ('dev', 'main', 'ops');
      UPDATE spaces SET agent_streak = 1 WHERE id = 'ops';
    `);
  } finally {
    db.close();
  }
}

describe('createSqliteStorage on a database of the release before issue 19', () => {
  let dir: string;
  let file: string;
  let storage: Storage & MessageChangeStorage & AccessStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-upgrade-access-'));
    file = join(dir, 'tim.db');
    writeVersion6Database(file);
    storage = createSqliteStorage({ file });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates in place: every space public, creators owners, main with no members, messages intact', async () => {
    const raw = new Database(file, { readonly: true });
    try {
      expect(readUserVersion(raw)).toBe(MIGRATIONS.length);
      expect(MIGRATIONS.length).toBeGreaterThan(RELEASE_VERSION);
    } finally {
      raw.close();
    }
    const spaces = await storage.listSpaces({ limit: 10 });
    expect(spaces.map((space) => [space.id, space.visibility, space.kind, space.archivedAt])).toEqual([
      ['main', 'public', 'space', undefined],
      ['dev', 'public', 'space', undefined],
      ['ops', 'public', 'space', undefined],
      ['old', 'public', 'space', undefined],
    ]);
    const membersOf = async (spaceId: string) =>
      (await storage.listMembers(spaceId)).map((member) => [member.timite.nick, member.role, member.joinedAt]);
    expect(await membersOf('main')).toEqual([]);
    expect(await membersOf('dev')).toEqual([['ann', 'owner', new Date(T0 + 1).toISOString()]]);
    expect(await membersOf('ops')).toEqual([['bob', 'owner', new Date(T0 + 2).toISOString()]]);
    expect(await membersOf('old')).toEqual([]);
    expect((await storage.getSpaceAccess('dev', 1))?.role).toBe('owner');

    const dev = await storage.readUpdates('dev', { after: 0, limit: 10 });
    expect(dev).toMatchObject([{ id: 1, event: { type: 'message', message: { content: 'deploy notes' } } }]);
    const found = await storage.searchMessages({ terms: ['deploy'], order: 'newest', limit: 10, readerId: 3 });
    expect(found.results.map((hit) => hit.message.content)).toEqual(['deploy done @bob', 'deploy notes']);
    // Everything every reader could read before, it still reads.
    const listed = await storage.listSpacesFor({ readerId: 3, scope: 'all', limit: 10 });
    expect(listed.map((access) => access.space.id)).toEqual(['main', 'dev', 'ops', 'old']);
  });

  it('continues: the owner makes its space private, and the ids and the streak go on', async () => {
    expect(
      await storage.updateSpace({
        spaceId: 'dev',
        actor: { timiteId: 1 },
        visibility: 'private',
        at: new Date(T0 + 20),
      }),
    ).toMatchObject({ outcome: 'updated', space: { visibility: 'private' } });
    const hidden = await storage.searchMessages({ terms: ['deploy'], order: 'newest', limit: 10, readerId: 2 });
    expect(hidden.results.map((hit) => hit.message.spaceId)).toEqual(['ops']);
    const appended = await storage.appendMessage({
      spaceId: 'ops',
      senderId: 3,
      content: 'again',
      mentions: [],
      createdAt: new Date(T0 + 30),
      maxAgentStreak: 1,
    });
    expect(appended).toEqual({ outcome: 'agent_turn_limit' });
    const created = await storage.createSpace({ id: 'new', name: 'New', createdAt: new Date(T0 + 40), createdBy: 3 });
    expect(created).toMatchObject({ created: true });
    expect((await storage.listSpaces({ limit: 10 })).map((space) => space.id)).toEqual([
      'main',
      'dev',
      'ops',
      'old',
      'new',
    ]);
  });
});
