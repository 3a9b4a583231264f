import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_SPACE_ID } from '@tim/protocol';
import Database from 'better-sqlite3';
import type { Storage } from '../storage';
import { MIGRATIONS, readUserVersion } from './migrations';
import { createSqliteStorage } from './sqlite-storage';

const T0 = new Date('2026-01-02T03:04:05.678Z');

describe('createSqliteStorage on an existing file', () => {
  let dir: string;
  let file: string;
  const opened: Storage[] = [];

  function open(): Storage {
    const storage = createSqliteStorage({ file });
    opened.push(storage);
    return storage;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-reopen-'));
    file = join(dir, 'tim.db');
  });

  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps timites, sessions, spaces and updates, and continues ids without reuse', async () => {
    const first = open();
    const created = await first.createTimite({ nick: 'Ann', kind: 'human', passwordHash: 'h' });
    if (!created.created) throw new Error('Ann was not created.');
    const ann = created.timite;
    await first.createSession({ keyHash: 'k', timiteId: ann.id, createdAt: T0, expiresAt: null });
    await first.createSpace({ id: 'dev', name: 'Dev', createdAt: T0, createdBy: 1 });
    const base = { senderId: ann.id, mentions: [], createdAt: T0, maxAgentStreak: 10 };
    await first.appendMessage({ ...base, spaceId: 'dev', content: 'one' });
    const before = await first.appendMessage({ ...base, spaceId: 'dev', content: 'two', clientMsgId: 'c-2' });
    const mainSpace = await first.getSpace(MAIN_SPACE_ID);
    await first.close();

    const second = open();
    expect(await second.findTimiteByNick('ann')).toEqual({ timite: ann, passwordHash: 'h', revoked: false });
    expect(await second.findSession('k', T0)).toEqual({ timite: ann, createdAt: T0, expiresAt: null });
    expect(await second.listSpaces({ limit: 10 })).toEqual([
      mainSpace,
      { id: 'dev', name: 'Dev', createdAt: T0.toISOString(), visibility: 'public', kind: 'space' },
    ]);
    expect(await second.headId('dev')).toBe(2);
    const after = await second.appendMessage({ ...base, spaceId: 'dev', content: 'three' });
    if (after.outcome !== 'created' || before.outcome !== 'created') throw new Error('An append was refused.');
    const retry = await second.appendMessage({ ...base, spaceId: 'dev', content: 'two', clientMsgId: 'c-2' });
    expect(retry).toEqual({ outcome: 'duplicate', update: before.update });
    expect(after.update.id).toBe(3);
    expect(after.update.event.message.id).toBeGreaterThan(before.update.event.message.id);
    const nick = await second.createTimite({ nick: 'ANN', kind: 'agent', passwordHash: null });
    expect(nick).toEqual({ created: false, reason: 'nick_taken' });
  });

  it('never reuses the id of a deleted newest message', async () => {
    const storage = open();
    const created = await storage.createTimite({ nick: 'ann', kind: 'human', passwordHash: 'h' });
    if (!created.created) throw new Error('ann was not created.');
    const input = {
      spaceId: MAIN_SPACE_ID,
      senderId: created.timite.id,
      content: 'x',
      mentions: [],
      createdAt: T0,
      maxAgentStreak: 10,
    };
    const first = await storage.appendMessage(input);
    await storage.close();
    // No code path deletes messages today; an operator might. AUTOINCREMENT keeps ids unique anyway.
    const raw = new Database(file);
    raw.prepare('DELETE FROM messages').run();
    raw.close();

    const second = await open().appendMessage(input);
    if (first.outcome !== 'created' || second.outcome !== 'created') throw new Error('An append was refused.');
    expect(second.update.event.message.id).toBeGreaterThan(first.update.event.message.id);
  });

  it('applies the migrations once: reopening leaves the version and schema as they were', async () => {
    await open().close();
    const schemaOf = (): unknown => {
      const raw = new Database(file, { readonly: true });
      try {
        return {
          version: readUserVersion(raw),
          schema: raw.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all(),
        };
      } finally {
        raw.close();
      }
    };
    const once = schemaOf();
    await open().close();
    expect(schemaOf()).toEqual(once);
    expect(once).toMatchObject({ version: MIGRATIONS.length });
  });

  it('refuses a file written by a newer schema version', () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => createSqliteStorage({ file })).toThrow(/schema version/);
  });

  it('opens the file in WAL mode', () => {
    open();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });
});
