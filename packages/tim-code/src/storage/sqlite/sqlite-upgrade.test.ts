import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, Update } from '@tim/protocol';
import Database from 'better-sqlite3';
import type { MessageChangeStorage, Storage } from '../storage';
import { MIGRATIONS, readUserVersion } from './migrations';
import { createSqliteStorage } from './sqlite-storage';

const T0 = Date.parse('2026-01-02T03:04:05.678Z');
/** The schema of the release before issue 17. */
const RELEASE_VERSION = 4;

/**
 * Writes a database as the release before issue 17 left it: its four migration steps, then
 * rows as its statements inserted them (head_id and agent_streak kept with each append).
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
      INSERT INTO spaces (id, name, created_at, created_by) VALUES ('dev', 'Dev', ${T0}, 1);
      INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream)
      VALUES
        ('dev', 1, 1, 'Kickoff notes for the roadmap', '[]', 'c-1', ${T0 + 1}, NULL),
        ('dev', 2, 2, 'Roadmap draft is ready @ann', '[1]', NULL, ${T0 + 2},
          '{"id":"stream-0001","end":"finished"}'),
        ('main', 1, 1, 'hello everyone', '[]', NULL, ${T0 + 3}, NULL),
        ('dev', 3, 1, 'thanks, reviewing the roadmap now', '[]', NULL, ${T0 + 4}, NULL);
      UPDATE spaces SET head_id = 3, agent_streak = 0 WHERE id = 'dev';
      UPDATE spaces SET head_id = 1, agent_streak = 0 WHERE id = 'main';
    `);
  } finally {
    db.close();
  }
}

const ann = { id: 1, nick: 'ann', kind: 'human' } as const;
const bot = { id: 2, nick: 'bot', kind: 'agent' } as const;

function messageUpdate(message: Message, updateId: number): Update {
  return { id: updateId, spaceId: message.spaceId, at: message.createdAt, event: { type: 'message', message } };
}

const kickoff: Message = {
  id: 1,
  spaceId: 'dev',
  sender: ann,
  content: 'Kickoff notes for the roadmap',
  mentions: [],
  createdAt: new Date(T0 + 1).toISOString(),
  clientMsgId: 'c-1',
};
const draft: Message = {
  id: 2,
  spaceId: 'dev',
  sender: bot,
  content: 'Roadmap draft is ready @ann',
  mentions: [ann.id],
  createdAt: new Date(T0 + 2).toISOString(),
  stream: { id: 'stream-0001', end: 'finished' },
};
const thanks: Message = {
  id: 4,
  spaceId: 'dev',
  sender: ann,
  content: 'thanks, reviewing the roadmap now',
  mentions: [],
  createdAt: new Date(T0 + 4).toISOString(),
};

describe('createSqliteStorage on a database of the release before issue 17', () => {
  let dir: string;
  let file: string;
  let storage: Storage & MessageChangeStorage;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-sqlite-upgrade-'));
    file = join(dir, 'tim.db');
    writeReleaseDatabase(file);
    storage = createSqliteStorage({ file });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates it in place to the newest schema', () => {
    const raw = new Database(file, { readonly: true });
    try {
      expect(readUserVersion(raw)).toBe(MIGRATIONS.length);
      expect(MIGRATIONS.length).toBeGreaterThan(RELEASE_VERSION);
    } finally {
      raw.close();
    }
  });

  it('reads the old messages back unchanged, in both directions and one by one', async () => {
    const timeline = [messageUpdate(kickoff, 1), messageUpdate(draft, 2), messageUpdate(thanks, 3)];
    expect(await storage.readUpdates('dev', { after: 0, limit: 10 })).toEqual(timeline);
    expect(await storage.readUpdates('dev', { before: 4, limit: 2 })).toEqual(timeline.slice(1));
    expect(await storage.getMessage({ spaceId: 'dev', messageId: draft.id })).toEqual({ message: draft, updateId: 2 });
    expect(await storage.headId('dev')).toBe(3);
    const retry = await storage.appendMessage({
      spaceId: 'dev',
      senderId: ann.id,
      content: kickoff.content,
      mentions: [],
      clientMsgId: 'c-1',
      createdAt: new Date(),
      maxAgentStreak: 10,
    });
    expect(retry).toEqual({ outcome: 'duplicate', update: timeline[0] });
  });

  it('finds the old messages in search', async () => {
    const found = await storage.searchMessages({ terms: ['roadmap'], order: 'newest', limit: 10 });
    expect(found.results.map((hit) => hit.message)).toEqual([thanks, draft, kickoff]);
    const inMain = await storage.searchMessages({ terms: ['hell'], spaceIds: ['main'], order: 'relevance', limit: 10 });
    expect(inMain.results.map((hit) => [hit.message.content, hit.updateId])).toEqual([['hello everyone', 1]]);
  });

  it('edits, reacts to and deletes old messages, continuing the update and message ids', async () => {
    const at = new Date(T0 + 10_000);
    const ref = { spaceId: 'dev', messageId: kickoff.id };
    const edit = await storage.editMessage({
      ...ref,
      editorId: ann.id,
      content: 'Kickoff agenda',
      mentions: [],
      editedAt: at,
    });
    expect(edit).toMatchObject({ outcome: 'changed', update: { id: 4 }, current: { updateId: 1 } });
    const limits = { maxEmojiPerMessage: 20, maxReactionsPerTimite: 10 };
    const reaction = await storage.changeReaction({ ...ref, timiteId: bot.id, emoji: '👍', add: true, at, ...limits });
    expect(reaction).toMatchObject({ outcome: 'changed', update: { id: 5 } });
    const deletion = await storage.deleteMessage({
      spaceId: 'dev',
      messageId: draft.id,
      actorId: bot.id,
      deletedAt: at,
    });
    expect(deletion).toMatchObject({ outcome: 'changed', update: { id: 6 } });

    const appended = await storage.appendMessage({
      spaceId: 'dev',
      senderId: ann.id,
      content: 'agenda is up',
      mentions: [],
      replyTo: kickoff.id,
      createdAt: at,
      maxAgentStreak: 10,
    });
    if (appended.outcome !== 'created') throw new Error(`The append answered ${appended.outcome}.`);
    expect(appended.update.id).toBe(7);
    expect(appended.update.event.message).toMatchObject({ id: 5, replyTo: kickoff.id });

    const timeline = await storage.readUpdates('dev', { after: 0, limit: 10 });
    expect(timeline.map((update) => update.event.type)).toEqual([
      'message',
      'message',
      'message',
      'message_edited',
      'reaction',
      'message_deleted',
      'message',
    ]);
    expect(timeline[0]).toEqual(
      messageUpdate(
        {
          ...kickoff,
          content: 'Kickoff agenda',
          editedAt: at.toISOString(),
          reactions: [{ emoji: '👍', timites: [bot] }],
        },
        1,
      ),
    );
    expect(timeline[1]).toEqual(
      messageUpdate({ ...draft, content: '', mentions: [], deletedAt: at.toISOString(), deletedBy: bot.id }, 2),
    );
    const found = await storage.searchMessages({ terms: ['roadmap'], order: 'newest', limit: 10 });
    expect(found.results.map((hit) => hit.message.id)).toEqual([thanks.id]);
    expect(await storage.unreadCounts(bot.id, ['dev', 'main'], 100)).toEqual(
      new Map([
        ['dev', { readUpTo: 0, messages: 3, mentions: 0 }],
        ['main', { readUpTo: 0, messages: 1, mentions: 0 }],
      ]),
    );
  });
});
