import { MAIN_SPACE_ID } from '@tim/protocol';
import { Pool, type PoolClient } from 'pg';
import { redactedUrl } from '../../redacted-url';
import { planAppend, toCreatedUpdate, type InsertPlan } from '../append-rules';
import { revocationColumnsToRevocation } from '../revocation-columns';
import type {
  AbilityStorage,
  AccessStorage,
  AppendResult,
  CreateTimiteResult,
  MessageChangeStorage,
  NewMessage,
  NewTimite,
  RevokedKeys,
  Storage,
} from '../storage';
import { reportingOutages } from '../store-unavailable';
import { createPostgresAbilities } from './abilities';
import { createPostgresAccess, SPACE_COLUMNS } from './access';
import { applyMigrations, MIGRATION_LOCK, REVOCATION_LOCK } from './migrations';
import { createPostgresMessageChanges } from './message-changes';
import { SELECT_MESSAGE, TIMELINE_AFTER, TIMELINE_BEFORE } from './message-sql';
import { isPostgresOutage } from './outage';
import { createQueries } from './queries';
import {
  AppendStateRow,
  CountRow,
  PlainAppendRow,
  RevocationRow,
  SessionRow,
  SpaceCountersRow,
  SpaceRow,
  TimelineRow,
  TimiteRow,
  toSessionRecord,
  toSpace,
  toTimelineUpdate,
  toTimite,
  toTimiteRecord,
  toUpdate,
} from './rows';
import { errorMessage } from '../../error-text';

export interface PostgresStorageOptions {
  /** `postgres://user[:password]@host:port/database` */
  connectionString: string;
  /** A schema of its own (created when missing) instead of the connection's default. */
  schema?: string;
  /** Connections in the pool. @default 10 */
  maxConnections?: number;
  /** An idle pooled connection failed (the pool replaces it); never thrown. */
  onError?: (err: unknown) => void;
}

const TIMITE_COLUMNS = 'id, nick, kind, password_hash, revoked';

/**
 * $1 space, $2 sender, $3 clientMsgId or null, $4 replyTo or null; no row when the space does
 * not exist.
 */
const APPEND_STATE = `
  SELECT s.head_id, s.agent_streak, row_to_json(t) AS sender, row_to_json(o) AS original,
    EXISTS (SELECT 1 FROM messages r WHERE r.id = $4 AND r.space_id = $1) AS reply_found
  FROM spaces s
  LEFT JOIN (SELECT ${TIMITE_COLUMNS} FROM timites) t ON t.id = $2
  LEFT JOIN LATERAL (${SELECT_MESSAGE} WHERE m.sender_id = $2 AND m.client_msg_id = $3) o ON true
  WHERE s.id = $1
  FOR UPDATE OF s`;

/** The message row and the space's new head and agent streak ($8), in one statement. */
const APPEND_INSERT = `
  WITH inserted AS (
    INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream, reply_to)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10) RETURNING id)
  UPDATE spaces SET head_id = $2, agent_streak = $8 WHERE id = $1 RETURNING (SELECT id FROM inserted)`;
/**
 * The common append in one statement, outside any transaction: the space's head moves on and
 * the message is inserted when nothing in `planAppend` would answer instead — the sender is
 * not an agent past the streak limit ($9), no earlier message of the sender has the
 * clientMsgId ($5), the reply target ($8) is one of the space's. Otherwise, or when the space
 * does not exist, no row comes back and the transaction path decides with `planAppend`. The
 * UPDATE locks the space's row and, after waiting for another append, re-reads it, so update
 * ids stay gapless; a duplicate clientMsgId committed meanwhile fails on the unique index, as
 * in the transaction path. $1 space, $2 sender, $3 content, $4 mentions, $5 clientMsgId or
 * null, $6 createdAt, $7 stream or null, $8 replyTo or null, $9 maxAgentStreak.
 */
const APPEND_IF_PLAIN = `
  WITH sender AS (SELECT ${TIMITE_COLUMNS} FROM timites WHERE id = $2),
  moved AS (
    UPDATE spaces s
    SET head_id = s.head_id + 1,
        agent_streak = CASE WHEN sender.kind = 'agent' THEN s.agent_streak + 1 ELSE 0 END
    FROM sender
    WHERE s.id = $1
      AND (sender.kind <> 'agent' OR s.agent_streak < $9)
      AND ($5::text IS NULL OR NOT EXISTS (SELECT 1 FROM messages o WHERE o.sender_id = $2 AND o.client_msg_id = $5))
      AND ($8::integer IS NULL OR EXISTS (SELECT 1 FROM messages r WHERE r.id = $8 AND r.space_id = $1))
    RETURNING s.head_id, s.agent_streak)
  INSERT INTO messages (space_id, update_id, sender_id, content, mentions, client_msg_id, created_at, stream, reply_to)
  SELECT $1, moved.head_id, $2, $3, $4, $5, $6, $7, $8 FROM moved
  RETURNING id, update_id, (SELECT agent_streak FROM moved), (SELECT row_to_json(sender) FROM sender) AS sender`;

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Storage in PostgreSQL, for several tim-code processes (on several machines) sharing one
 * database. An append locks its space's row (SELECT … FOR UPDATE) for the transaction, so
 * update ids stay one gapless sequence per space whichever process appends; a commit returns
 * once PostgreSQL has made it durable.
 */
export async function createPostgresStorage(
  options: PostgresStorageOptions,
): Promise<Storage & MessageChangeStorage & AbilityStorage & AccessStorage> {
  const { schema } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`Not a schema name: "${schema}".`);
  if (schema !== undefined) {
    const setup = new Pool({ connectionString: options.connectionString, max: 1 });
    try {
      // IF NOT EXISTS still races between two sessions; the migration lock orders them.
      const client = await setup.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } finally {
      await setup.end();
    }
  }
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // A database that does not answer fails the request (and /readyz) instead of hanging it.
    connectionTimeoutMillis: 5000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', options.onError ?? ((err) => process.emitWarning(`postgres pool: ${String(err)}`)));
  try {
    const client = await pool.connect().catch((err: unknown) => {
      throw new Error(
        `Could not connect to PostgreSQL at ${redactedUrl(options.connectionString)}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    });
    try {
      await applyMigrations(client);
    } finally {
      client.release();
    }
    await pool.query('INSERT INTO spaces (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING', [
      MAIN_SPACE_ID,
      Date.now(),
    ]);
  } catch (err) {
    await pool.end();
    throw err;
  }

  const db = createQueries(pool);
  const { rows, first, inTransaction } = db;
  const { createSpace, takeInvite, ...access } = createPostgresAccess(db);

  /** A taken nick, found by the insert after the invite's use was taken: the transaction rolls back. */
  class NickTaken extends Error {}

  async function insertTimite(input: NewTimite, client?: PoolClient): Promise<CreateTimiteResult> {
    const row = await first(
      TimiteRow,
      `INSERT INTO timites (nick, kind, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT ((lower(nick))) DO NOTHING RETURNING ${TIMITE_COLUMNS}`,
      [input.nick, input.kind, input.passwordHash],
      client,
    );
    return row === undefined ? { created: false, reason: 'nick_taken' } : { created: true, timite: toTimite(row) };
  }

  /** The nick checked, one use of the code taken and the timite inserted, in one transaction. */
  async function createInvitedTimite(input: NewTimite, invite: { codeHash: string; now: Date }) {
    try {
      return await inTransaction(async (client): Promise<CreateTimiteResult> => {
        const taken = await first(
          TimiteRow,
          `SELECT ${TIMITE_COLUMNS} FROM timites WHERE lower(nick) = lower($1)`,
          [input.nick],
          client,
        );
        if (taken !== undefined) return { created: false, reason: 'nick_taken' };
        if (!(await takeInvite(client, invite.codeHash, invite.now)))
          return { created: false, reason: 'invite_invalid' };
        const result = await insertTimite(input, client);
        if (!result.created) throw new NickTaken();
        return result;
      });
    } catch (err) {
      if (err instanceof NickTaken) return { created: false, reason: 'nick_taken' } as const;
      throw err;
    }
  }

  /**
   * Under REVOCATION_LOCK, held to the commit: the next writer draws its seq only after this
   * one is visible, so no reader sees seq n + 1 while n is still uncommitted.
   */
  async function appendRevocation(client: PoolClient, revoked: RevokedKeys, now: Date): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1)', [REVOCATION_LOCK]);
    await client.query('INSERT INTO revocations (key_hash, timite_id, created_at) VALUES ($1, $2, $3)', [
      revoked.kind === 'session' ? revoked.keyHash : null,
      revoked.kind === 'timite' ? revoked.timiteId : null,
      now.getTime(),
    ]);
  }

  /**
   * Round trips are most of an append's cost, in this process and in PostgreSQL: the common
   * message takes one, anything `planAppend` answers otherwise four (BEGIN, two statements,
   * COMMIT).
   */
  async function appendOnce(input: NewMessage): Promise<AppendResult> {
    return (await appendIfPlain(input)) ?? appendInTransaction(input);
  }

  /** The one-round-trip append (APPEND_IF_PLAIN); undefined when `planAppend` must decide. */
  async function appendIfPlain(input: NewMessage): Promise<AppendResult | undefined> {
    const result = await pool.query({
      name: 'tim-append-if-plain',
      text: APPEND_IF_PLAIN,
      values: [
        input.spaceId,
        input.senderId,
        input.content,
        input.mentions,
        input.clientMsgId ?? null,
        input.createdAt.getTime(),
        input.stream === undefined ? null : JSON.stringify(input.stream),
        input.replyTo ?? null,
        input.maxAgentStreak,
      ],
    });
    if (result.rows[0] === undefined) return undefined;
    const row = PlainAppendRow.parse(result.rows[0]);
    const plan: InsertPlan = {
      action: 'insert',
      updateId: row.update_id,
      agentStreak: row.agent_streak,
      sender: toTimite(row.sender),
    };
    return { outcome: 'created', update: toCreatedUpdate(input, plan, Number(row.id)) };
  }

  /**
   * Two statements inside the transaction, each prepared once per connection: the space's row
   * locked with the sender and any original of the clientMsgId read alongside, then the insert
   * together with the new head.
   */
  async function appendInTransaction(input: NewMessage): Promise<AppendResult> {
    return inTransaction(async (client) => {
      const read = await client.query({
        name: 'tim-append-state',
        text: APPEND_STATE,
        values: [input.spaceId, input.senderId, input.clientMsgId ?? null, input.replyTo ?? null],
      });
      if (read.rows[0] === undefined) return { outcome: 'space_not_found' };
      const state = AppendStateRow.parse(read.rows[0]);
      const plan = planAppend(input, {
        space: { headId: state.head_id, agentStreak: state.agent_streak },
        original: state.original === null ? undefined : toUpdate(state.original),
        sender: state.sender === null ? undefined : toTimite(state.sender),
        replyFound: state.reply_found,
      });
      if (plan.action === 'answer') return plan.result;
      const inserted = await client.query<{ id: string }>({
        name: 'tim-append-insert',
        text: APPEND_INSERT,
        values: [
          input.spaceId,
          plan.updateId,
          input.senderId,
          input.content,
          input.mentions,
          input.clientMsgId ?? null,
          input.createdAt.getTime(),
          plan.agentStreak,
          input.stream === undefined ? null : JSON.stringify(input.stream),
          input.replyTo ?? null,
        ],
      });
      return { outcome: 'created', update: toCreatedUpdate(input, plan, Number(inserted.rows[0]?.id)) };
    });
  }

  return reportingOutages(
    {
      async createTimite(input) {
        return input.invite === undefined ? insertTimite(input) : createInvitedTimite(input, input.invite);
      },

      async findTimiteByNick(nick) {
        const row = await first(TimiteRow, `SELECT ${TIMITE_COLUMNS} FROM timites WHERE lower(nick) = lower($1)`, [
          nick,
        ]);
        return row === undefined ? undefined : toTimiteRecord(row);
      },

      async listTimites(kind) {
        const found =
          kind === undefined
            ? await rows(TimiteRow, `SELECT ${TIMITE_COLUMNS} FROM timites ORDER BY id`, [])
            : await rows(TimiteRow, `SELECT ${TIMITE_COLUMNS} FROM timites WHERE kind = $1 ORDER BY id`, [kind]);
        return found.map(toTimite);
      },

      async revokeAgent(nick, now) {
        return inTransaction(async (client) => {
          const row = await first(
            TimiteRow,
            `SELECT ${TIMITE_COLUMNS} FROM timites WHERE lower(nick) = lower($1) FOR UPDATE`,
            [nick],
            client,
          );
          if (row === undefined || row.kind !== 'agent') return false;
          await client.query('UPDATE timites SET revoked = true WHERE id = $1', [row.id]);
          await client.query('DELETE FROM sessions WHERE timite_id = $1', [row.id]);
          await appendRevocation(client, { kind: 'timite', timiteId: row.id }, now);
          return true;
        });
      },

      async reinstateAgent(nick) {
        const row = await first(
          TimiteRow,
          `UPDATE timites SET revoked = false WHERE lower(nick) = lower($1) AND kind = 'agent' AND revoked RETURNING ${TIMITE_COLUMNS}`,
          [nick],
        );
        return row === undefined ? undefined : toTimite(row);
      },

      async createSession(input) {
        await pool.query('INSERT INTO sessions (key_hash, timite_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
          input.keyHash,
          input.timiteId,
          input.createdAt.getTime(),
          input.expiresAt === null ? null : input.expiresAt.getTime(),
        ]);
      },

      async findSession(keyHash, now) {
        const row = await first(
          SessionRow,
          `SELECT s.created_at, s.expires_at, t.id AS timite_id, t.nick, t.kind
         FROM sessions s JOIN timites t ON t.id = s.timite_id
         WHERE s.key_hash = $1 AND (s.expires_at IS NULL OR s.expires_at > $2) AND NOT t.revoked`,
          [keyHash, now.getTime()],
        );
        return row === undefined ? undefined : toSessionRecord(row);
      },

      async deleteSession(keyHash, now) {
        await inTransaction(async (client) => {
          const deleted = await client.query('DELETE FROM sessions WHERE key_hash = $1', [keyHash]);
          if (deleted.rowCount !== 0) await appendRevocation(client, { kind: 'session', keyHash }, now);
        });
      },

      async deleteExpiredSessions(now) {
        const result = await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now.getTime()]);
        return result.rowCount ?? 0;
      },

      async readRevocationsAfter(after, limit) {
        const found = await rows(
          RevocationRow,
          'SELECT seq, key_hash, timite_id FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2',
          [after, limit],
        );
        return found.map(revocationColumnsToRevocation);
      },

      async revocationHead() {
        const row = await first(
          RevocationRow.pick({ seq: true }),
          'SELECT coalesce(max(seq), 0) AS seq FROM revocations',
          [],
        );
        return row?.seq ?? 0;
      },

      async pruneRevocations(before) {
        const result = await pool.query('DELETE FROM revocations WHERE created_at < $1', [before.getTime()]);
        return result.rowCount ?? 0;
      },

      createSpace,

      async getSpace(id) {
        const row = await first(SpaceRow, `SELECT ${SPACE_COLUMNS} FROM spaces s WHERE s.id = $1`, [id]);
        return row === undefined ? undefined : toSpace(row);
      },

      async countSpacesCreatedBy(timiteId) {
        const row = await first(CountRow, 'SELECT count(*)::integer AS count FROM spaces WHERE created_by = $1', [
          timiteId,
        ]);
        return row?.count ?? 0;
      },

      async listSpaces({ after, limit }) {
        // An unknown `after` makes the comparison NULL, so it lists nothing.
        const listed = await rows(
          SpaceRow,
          `SELECT ${SPACE_COLUMNS} FROM spaces s
           WHERE $1::text IS NULL OR s.seq > (SELECT seq FROM spaces WHERE id = $1)
           ORDER BY s.seq LIMIT $2`,
          [after ?? null, limit],
        );
        return listed.map(toSpace);
      },

      async appendMessage(input) {
        try {
          return await appendOnce(input);
        } catch (err) {
          // The same sender's clientMsgId appended concurrently to two spaces: the space locks do
          // not order the two, the unique index does. Run again: the other one is now visible.
          if (isUniqueViolation(err)) return appendOnce(input);
          throw err;
        }
      },

      async readUpdates(spaceId, range) {
        const found =
          'after' in range
            ? await rows(TimelineRow, TIMELINE_AFTER, [spaceId, range.after, range.limit])
            : await rows(TimelineRow, TIMELINE_BEFORE, [spaceId, range.before, range.limit]);
        return found.map(toTimelineUpdate);
      },

      async headId(spaceId) {
        return (
          (await first(SpaceCountersRow, 'SELECT head_id, agent_streak FROM spaces WHERE id = $1', [spaceId]))
            ?.head_id ?? 0
        );
      },

      ...createPostgresMessageChanges(db),
      ...createPostgresAbilities(db),
      ...access,

      async ping() {
        await pool.query('SELECT 1');
      },

      async close() {
        if (!pool.ended) await pool.end();
      },
    },
    isPostgresOutage,
  );
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === UNIQUE_VIOLATION;
}
