import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAIN_SPACE_ID } from '@tim/protocol';
import Database from 'better-sqlite3';
import { planAppend, toCreatedUpdate } from '../append-rules';
import type {
  AbilityStorage,
  AccessStorage,
  AppendResult,
  CreateTimiteResult,
  MessageChangeStorage,
  NewMessage,
  NewTimite,
  Storage,
} from '../storage';
import { revocationColumnsToRevocation } from '../revocation-columns';
import { createSqliteAbilities } from './abilities';
import { createSqliteAccess } from './access';
import { createSqliteMessageChanges } from './message-changes';
import { applyMigrations } from './migrations';
import { toSessionRecord, toSpace, toTimelineUpdate, toTimite, toTimiteRecord, toUpdate } from './rows';
import { prepareStatements } from './statements';

export interface SqliteStorageOptions {
  /** Path of the database file; its directory is created when missing. */
  file: string;
  /** How long a statement waits for another connection's lock, in ms. @default 5000 */
  busyTimeoutMs?: number;
}

/**
 * The default Storage: one SQLite file, opened synchronously. better-sqlite3 runs each call
 * to completion on this thread, so concurrent appends from one process are serialized and
 * every transaction below is atomic with respect to the others.
 */
export function createSqliteStorage(
  options: SqliteStorageOptions,
): Storage & MessageChangeStorage & AbilityStorage & AccessStorage {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  try {
    db.pragma('journal_mode = WAL');
    // With WAL, synchronous=NORMAL writes each commit to the WAL file before the transaction
    // returns, but fsyncs only at checkpoints. A committed message is therefore in the
    // operating system's hands once appendMessage resolves and survives a crash of the server
    // process, which is what the protocol promises for an acknowledged message; only an OS
    // crash or power loss can lose the newest commits, and never corrupts the file.
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    db.pragma('foreign_keys = ON');
    // A deleted message must leave the file (issue 17): freed content is overwritten with
    // zeros instead of lingering in free pages and cells. Appends free nothing, and 5000 of
    // them cost the same with it on as off (CPU, median of 5: 456 ms and 432 ms, within noise).
    db.pragma('secure_delete = ON');
    applyMigrations(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const sql = prepareStatements(db);
  const { createSpace, takeInvite, ...access } = createSqliteAccess(db);
  sql.insertSpace.run({ id: MAIN_SPACE_ID, name: MAIN_SPACE_ID, createdAt: Date.now(), createdBy: null });

  const revokeAgent = db.transaction((nick: string, now: Date): boolean => {
    const row = sql.timiteByNick.get(nick);
    if (row === undefined || row.kind !== 'agent') return false;
    sql.revokeTimite.run(row.id);
    sql.deleteSessionsOfTimite.run(row.id);
    sql.insertRevocation.run({ keyHash: null, timiteId: row.id, createdAt: now.getTime() });
    return true;
  });

  const deleteSession = db.transaction((keyHash: string, now: Date): void => {
    if (sql.deleteSession.run(keyHash).changes === 0) return;
    sql.insertRevocation.run({ keyHash, timiteId: null, createdAt: now.getTime() });
  });

  /** With an invite, the nick is checked and a use taken under the write lock, before the insert. */
  const createInvitedTimite = db.transaction(
    (input: NewTimite & { invite: { codeHash: string; now: Date } }): CreateTimiteResult => {
      if (sql.timiteByNick.get(input.nick) !== undefined) return { created: false, reason: 'nick_taken' };
      if (!takeInvite(input.invite.codeHash, input.invite.now)) return { created: false, reason: 'invite_invalid' };
      return insertTimite(input);
    },
  );

  function insertTimite(input: NewTimite): CreateTimiteResult {
    const row = sql.insertTimite.get({ nick: input.nick, kind: input.kind, passwordHash: input.passwordHash });
    return row === undefined ? { created: false, reason: 'nick_taken' } : { created: true, timite: toTimite(row) };
  }

  const append = db.transaction((input: NewMessage): AppendResult => {
    const counters = sql.spaceCounters.get(input.spaceId);
    const original =
      input.clientMsgId === undefined ? undefined : sql.messageByClientMsgId.get(input.senderId, input.clientMsgId);
    const senderRow = sql.timiteById.get(input.senderId);
    const plan = planAppend(input, {
      space: counters === undefined ? undefined : { headId: counters.head_id, agentStreak: counters.agent_streak },
      original: original === undefined ? undefined : toUpdate(original),
      sender: senderRow === undefined ? undefined : toTimite(senderRow),
      replyFound: input.replyTo !== undefined && sql.messageInSpace.get(input.replyTo, input.spaceId) !== undefined,
    });
    if (plan.action === 'answer') return plan.result;
    // The update id comes from the space row updated in this same transaction: ids are
    // gapless, and a failed insert rolls the counter back with it.
    const { id: messageId } = insertMessage(input, plan.updateId);
    sql.advanceSpace.run({ id: input.spaceId, headId: plan.updateId, agentStreak: plan.agentStreak });
    return { outcome: 'created', update: toCreatedUpdate(input, plan, messageId) };
  });

  function insertMessage(input: NewMessage, updateId: number): { id: number } {
    const row = sql.insertMessage.get({
      spaceId: input.spaceId,
      updateId,
      senderId: input.senderId,
      content: input.content,
      mentions: JSON.stringify(input.mentions),
      clientMsgId: input.clientMsgId ?? null,
      createdAt: input.createdAt.getTime(),
      stream: input.stream === undefined ? null : JSON.stringify(input.stream),
      replyTo: input.replyTo ?? null,
    });
    if (row === undefined) throw new Error('INSERT INTO messages returned no id.');
    return row;
  }

  return {
    ...createSqliteMessageChanges(db, sql),
    ...createSqliteAbilities(db, sql),
    ...access,

    async createTimite(input) {
      const { invite } = input;
      return invite === undefined ? insertTimite(input) : createInvitedTimite.immediate({ ...input, invite });
    },

    async findTimiteByNick(nick) {
      const row = sql.timiteByNick.get(nick);
      return row === undefined ? undefined : toTimiteRecord(row);
    },

    async listTimites(kind) {
      const rows = kind === undefined ? sql.listTimites.all() : sql.listTimitesOfKind.all(kind);
      return rows.map(toTimite);
    },

    async revokeAgent(nick, now) {
      return revokeAgent.immediate(nick, now);
    },

    async reinstateAgent(nick) {
      const row = sql.reinstateTimite.get(nick);
      return row === undefined ? undefined : toTimite(row);
    },

    async createSession(input) {
      sql.insertSession.run({
        keyHash: input.keyHash,
        timiteId: input.timiteId,
        createdAt: input.createdAt.getTime(),
        expiresAt: input.expiresAt === null ? null : input.expiresAt.getTime(),
      });
    },

    async findSession(keyHash, now) {
      const row = sql.liveSession.get({ keyHash, nowMs: now.getTime() });
      return row === undefined ? undefined : toSessionRecord(row);
    },

    async deleteSession(keyHash, now) {
      deleteSession.immediate(keyHash, now);
    },

    async deleteExpiredSessions(now) {
      return sql.deleteExpiredSessions.run(now.getTime()).changes;
    },

    async readRevocationsAfter(after, limit) {
      return sql.revocationsAfter.all({ after, limit }).map(revocationColumnsToRevocation);
    },

    async revocationHead() {
      return sql.revocationHead.get()?.head ?? 0;
    },

    async pruneRevocations(before) {
      return sql.pruneRevocations.run(before.getTime()).changes;
    },

    async createSpace(input) {
      return createSpace(input);
    },

    async getSpace(id) {
      const row = sql.spaceById.get(id);
      return row === undefined ? undefined : toSpace(row);
    },

    async countSpacesCreatedBy(timiteId) {
      return sql.countSpacesCreatedBy.get(timiteId)?.count ?? 0;
    },

    async listSpaces({ after, limit }) {
      return sql.listSpaces.all({ after: after ?? null, limit }).map(toSpace);
    },

    async appendMessage(input) {
      // IMMEDIATE takes the write lock before reading the counters, so another process on
      // the same file can neither slip in between nor deadlock on a lock upgrade.
      return append.immediate(input);
    },

    async readUpdates(spaceId, range) {
      const rows =
        'after' in range
          ? sql.timelineAfter.all({ spaceId, after: range.after, limit: range.limit })
          : sql.timelineBefore.all({ spaceId, before: range.before, limit: range.limit });
      return rows.map((row) => toTimelineUpdate(spaceId, row));
    },

    async headId(spaceId) {
      return sql.spaceCounters.get(spaceId)?.head_id ?? 0;
    },

    async ping() {
      sql.ping.get();
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
