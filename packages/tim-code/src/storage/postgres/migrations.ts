import type { PoolClient } from 'pg';

/**
 * The PostgreSQL schema, as numbered steps: step i brings the schema from version i to i + 1.
 * Append new steps; never edit or reorder a step that has shipped. Times are bigint
 * milliseconds since the epoch (UTC), as in the SQLite schema.
 *
 * Its twin is sqlite/migrations.ts: a change to the schema adds a step to both. Why
 * there are two files, and the check that they describe one schema: ../schema-parity.test.ts.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE timites (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nick text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('human', 'agent')),
    password_hash text,
    revoked boolean NOT NULL DEFAULT false
  );
  -- Nicks are unique case-insensitively (they are ASCII, which lower() folds).
  CREATE UNIQUE INDEX timites_by_nick ON timites (lower(nick));

  CREATE TABLE sessions (
    key_hash text PRIMARY KEY,
    timite_id integer NOT NULL REFERENCES timites (id),
    created_at bigint NOT NULL,
    -- NULL for agent tokens, which live until revoked.
    expires_at bigint
  );
  CREATE INDEX sessions_by_timite ON sessions (timite_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE spaces (
    -- Creation order, for listing.
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    name text NOT NULL,
    created_at bigint NOT NULL,
    -- The newest update id; an append locks this row and takes head_id + 1.
    head_id integer NOT NULL DEFAULT 0,
    -- The length of the space's trailing run of agent messages (the agent loop guard).
    agent_streak integer NOT NULL DEFAULT 0
  );

  CREATE TABLE messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id text NOT NULL REFERENCES spaces (id),
    update_id integer NOT NULL,
    sender_id integer NOT NULL REFERENCES timites (id),
    content text NOT NULL,
    mentions integer[] NOT NULL,
    client_msg_id text,
    created_at bigint NOT NULL,
    UNIQUE (space_id, update_id)
  );
  -- NULLs are distinct in a unique index, so messages without a clientMsgId never collide.
  CREATE UNIQUE INDEX messages_by_client_msg_id ON messages (sender_id, client_msg_id);
  `,
  `
  -- The revocation feed: appended in the transaction that deletes the session(s), read by every
  -- process that caches sessions or holds sockets. Writers take REVOCATION_LOCK first, so seqs
  -- commit in order and a reader that saw seq n has seen every seq below it.
  CREATE TABLE revocations (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A logout: this key.
    key_hash text,
    -- An agent's revoke: every key of this timite.
    timite_id integer,
    created_at bigint NOT NULL,
    CHECK ((key_hash IS NULL) <> (timite_id IS NULL))
  );
  CREATE INDEX revocations_by_time ON revocations (created_at);
  `,
  `
  -- A streamed message's mark, as JSON text ({"id","end","stoppedBy"?}); NULL for a plain send.
  ALTER TABLE messages ADD COLUMN stream text;
  `,
  `
  -- The timite that created the space (TIM_MAX_SPACES_PER_TIMITE); NULL for main and for the
  -- spaces created before this step.
  ALTER TABLE spaces ADD COLUMN created_by integer;
  CREATE INDEX spaces_by_creator ON spaces (created_by);
  `,
  `
  -- Messages people work with (issue 17). A message row holds the message as it is now: its
  -- edited content and mentions, or a tombstone ('' and '{}'), and its reactions as JSON text
  -- ([{"emoji","timites":[{"id","nick","kind"}]}], NULL when none).
  ALTER TABLE messages ADD COLUMN reply_to bigint;
  ALTER TABLE messages ADD COLUMN edited_at bigint;
  ALTER TABLE messages ADD COLUMN deleted_at bigint;
  ALTER TABLE messages ADD COLUMN deleted_by integer;
  ALTER TABLE messages ADD COLUMN reactions text;

  -- The edits, deletes and reactions: timeline updates that share the space's update ids with
  -- messages (an append of either locks the space's row and takes head_id + 1). data is JSON
  -- text: edited {"content","mentions"} (NULL once the message is deleted), reaction
  -- {"emoji","added","reactions"}, deleted NULL.
  CREATE TABLE message_changes (
    space_id text NOT NULL REFERENCES spaces (id),
    update_id integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('edited', 'deleted', 'reaction')),
    message_id bigint NOT NULL REFERENCES messages (id),
    actor_id integer NOT NULL REFERENCES timites (id),
    created_at bigint NOT NULL,
    data text,
    PRIMARY KEY (space_id, update_id)
  );
  -- A delete erases the content its message's earlier edits carried.
  CREATE INDEX message_changes_by_message ON message_changes (message_id);

  -- How far each timite has read each space: unread counts are the messages after it.
  CREATE TABLE read_markers (
    timite_id integer NOT NULL REFERENCES timites (id),
    space_id text NOT NULL REFERENCES spaces (id),
    update_id integer NOT NULL,
    PRIMARY KEY (timite_id, space_id)
  );

  -- Full-text search (words as prefixes, see search.ts); SQLite's twin is its FTS5 table.
  -- A tombstone's content is '', so a delete takes the message out of the index. Punctuation
  -- becomes a space first: the text parser would otherwise keep hosts, e-mail addresses, URLs
  -- and version numbers as single tokens, and "example" would not find "docs.example.com".
  CREATE INDEX messages_by_words ON messages
    USING gin (to_tsvector('simple', regexp_replace(content, '[[:punct:]]+', ' ', 'g')));
  `,
  `
  -- Abilities (issue 16): a call of a timite's ability and its one outcome, each an update of
  -- its space's timeline (an append of any kind locks the space's row and takes head_id + 1).
  -- The call's update id is its call id; arguments is a JSON object as text.
  CREATE TABLE ability_calls (
    space_id text NOT NULL REFERENCES spaces (id),
    update_id integer NOT NULL,
    caller_id integer NOT NULL REFERENCES timites (id),
    target_id integer NOT NULL REFERENCES timites (id),
    ability text NOT NULL,
    arguments text NOT NULL,
    -- When a timeout is recorded unless the target answered first.
    deadline bigint NOT NULL,
    created_at bigint NOT NULL,
    -- The update id of its outcome; NULL while the call waits for one.
    outcome_id integer,
    PRIMARY KEY (space_id, update_id)
  );
  -- The timeout sweep: the waiting calls, by deadline.
  CREATE INDEX ability_calls_by_deadline ON ability_calls (deadline) WHERE outcome_id IS NULL;

  -- target_id is the call's target, the outcome's author (also of a timeout, which the server
  -- records). result is JSON text of an ok result, NULL for none (a JSON null is 'null').
  CREATE TABLE ability_outcomes (
    space_id text NOT NULL REFERENCES spaces (id),
    update_id integer NOT NULL,
    call_id integer NOT NULL,
    target_id integer NOT NULL REFERENCES timites (id),
    status text NOT NULL CHECK (status IN ('ok', 'error', 'timed_out')),
    result text,
    error text,
    created_at bigint NOT NULL,
    PRIMARY KEY (space_id, update_id),
    FOREIGN KEY (space_id, call_id) REFERENCES ability_calls (space_id, update_id)
  );
  -- One outcome per call, whoever records it.
  CREATE UNIQUE INDEX ability_outcomes_by_call ON ability_outcomes (space_id, call_id);
  `,
  `
  -- Access control (issue 19). Every space before this step is public, of kind 'space'.
  ALTER TABLE spaces ADD COLUMN visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private'));
  ALTER TABLE spaces ADD COLUMN kind text NOT NULL DEFAULT 'space' CHECK (kind IN ('space', 'dm'));
  -- When it was archived (readable, no posting); NULL when it is not.
  ALTER TABLE spaces ADD COLUMN archived_at bigint;
  -- A DM's participants, their sorted ids joined by commas: opening it again finds it. NULL
  -- for every other space.
  ALTER TABLE spaces ADD COLUMN dm_key text;
  CREATE UNIQUE INDEX spaces_by_dm_key ON spaces (dm_key);

  -- Who is a member of which space, with what role. Membership changes of a space lock its
  -- spaces row first, so the owner rules see every other change of it committed.
  CREATE TABLE space_members (
    space_id text NOT NULL REFERENCES spaces (id),
    timite_id integer NOT NULL REFERENCES timites (id),
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at bigint NOT NULL,
    PRIMARY KEY (space_id, timite_id)
  );
  CREATE INDEX space_members_by_timite ON space_members (timite_id);

  -- Registration by invite: a code is stored only as its hash, like a session key.
  CREATE TABLE invite_codes (
    code_hash text PRIMARY KEY,
    uses_left integer NOT NULL CHECK (uses_left >= 0),
    expires_at bigint,
    created_by integer REFERENCES timites (id),
    created_at bigint NOT NULL
  );

  -- The creators of the spaces made before this step own them; main has no creator, no owner.
  INSERT INTO space_members (space_id, timite_id, role, joined_at)
    SELECT s.id, s.created_by, 'owner', s.created_at FROM spaces s JOIN timites t ON t.id = s.created_by;
  `,
];
/** Any constant: the advisory lock that keeps two processes from migrating at once. */
export const MIGRATION_LOCK = 0x74696d; // "tim"

/** The advisory lock that orders revocation writers: see the revocations table. */
export const REVOCATION_LOCK = 0x74696d72; // "timr"

/**
 * Brings the schema to the newest version in one transaction, under an advisory lock, so
 * two processes starting together migrate one after the other and a failure changes nothing.
 */
export async function applyMigrations(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const version = rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new Error(`The database has schema version ${version}; this tim-code knows up to ${MIGRATIONS.length}.`);
    }
    for (const [index, sql] of MIGRATIONS.entries()) {
      if (index < version) continue;
      await client.query(sql);
    }
    if (rows.length === 0) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length]);
    else await client.query('UPDATE schema_version SET version = $1', [MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
