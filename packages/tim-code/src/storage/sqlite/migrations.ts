import type Database from 'better-sqlite3';

/**
 * The SQLite schema, as numbered steps. Step i brings a database from user_version i to i + 1.
 * Append new steps; never edit or reorder a step that has shipped.
 *
 * Times are integer milliseconds since the epoch (UTC), everywhere.
 *
 * Its twin is postgres/migrations.ts: a change to the schema adds a step to both. Why
 * there are two files, and the check that they describe one schema: ../schema-parity.test.ts.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE timites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NOCASE makes the unique constraint case-insensitive; nicks are ASCII, which NOCASE folds.
    nick TEXT NOT NULL COLLATE NOCASE UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('human', 'agent')),
    password_hash TEXT,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
  );

  CREATE TABLE sessions (
    key_hash TEXT PRIMARY KEY,
    timite_id INTEGER NOT NULL REFERENCES timites (id),
    created_at INTEGER NOT NULL,
    -- NULL for agent tokens, which live until revoked.
    expires_at INTEGER
  );
  CREATE INDEX sessions_by_timite ON sessions (timite_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE spaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- The newest update id; the next append takes head_id + 1 in its own transaction.
    head_id INTEGER NOT NULL DEFAULT 0,
    -- The length of the space's trailing run of agent messages (the agent loop guard).
    agent_streak INTEGER NOT NULL DEFAULT 0
  );

  -- AUTOINCREMENT: message ids are unique across the server and never reused.
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    update_id INTEGER NOT NULL,
    sender_id INTEGER NOT NULL REFERENCES timites (id),
    content TEXT NOT NULL,
    -- A JSON array of timite ids.
    mentions TEXT NOT NULL,
    client_msg_id TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (space_id, update_id)
  );
  -- NULLs are distinct in a unique index, so messages without a clientMsgId never collide.
  CREATE UNIQUE INDEX messages_by_client_msg_id ON messages (sender_id, client_msg_id);
  `,
  `
  -- The revocation feed: appended in the transaction that deletes the session(s), read by every
  -- process that caches sessions or holds sockets. AUTOINCREMENT: a seq is never reused, even
  -- after the newest rows are pruned. Writers are serialized, so seqs commit in order.
  CREATE TABLE revocations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A logout: this key.
    key_hash TEXT,
    -- An agent's revoke: every key of this timite.
    timite_id INTEGER,
    created_at INTEGER NOT NULL,
    CHECK ((key_hash IS NULL) <> (timite_id IS NULL))
  );
  CREATE INDEX revocations_by_time ON revocations (created_at);
  `,
  `
  -- A streamed message's mark, as JSON ({"id","end","stoppedBy"?}); NULL for a plain send.
  ALTER TABLE messages ADD COLUMN stream TEXT;
  `,
  `
  -- The timite that created the space (TIM_MAX_SPACES_PER_TIMITE); NULL for main and for the
  -- spaces created before this step.
  ALTER TABLE spaces ADD COLUMN created_by INTEGER;
  CREATE INDEX spaces_by_creator ON spaces (created_by);
  `,
  `
  -- Messages people work with (issue 17). A message row holds the message as it is now.
  -- The message this one answers (same space); NULL for none.
  ALTER TABLE messages ADD COLUMN reply_to INTEGER;
  -- The last edit; NULL when never edited.
  ALTER TABLE messages ADD COLUMN edited_at INTEGER;
  -- A tombstone: content '' and mentions '[]', reactions NULL.
  ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
  ALTER TABLE messages ADD COLUMN deleted_by INTEGER;
  -- A JSON array of {emoji, timites: [{id, nick, kind}]}, in the order each emoji was first
  -- used; NULL when there are none.
  ALTER TABLE messages ADD COLUMN reactions TEXT;

  -- Edits, deletes and reactions: each is an update of its space's timeline (head_id + 1,
  -- like a message), read back merged with the messages by update_id.
  CREATE TABLE message_changes (
    space_id TEXT NOT NULL REFERENCES spaces (id),
    update_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('edited', 'deleted', 'reaction')),
    message_id INTEGER NOT NULL REFERENCES messages (id),
    actor_id INTEGER NOT NULL REFERENCES timites (id),
    created_at INTEGER NOT NULL,
    -- JSON. edited: {content, mentions}, NULL once the message is deleted;
    -- reaction: {emoji, added, reactions}; deleted: NULL.
    data TEXT,
    PRIMARY KEY (space_id, update_id)
  ) WITHOUT ROWID;
  -- A delete erases the content its message's earlier edits carried.
  CREATE INDEX message_changes_by_message ON message_changes (message_id);

  -- Where each timite has read up to, per space (an update id).
  CREATE TABLE read_markers (
    timite_id INTEGER NOT NULL REFERENCES timites (id),
    space_id TEXT NOT NULL REFERENCES spaces (id),
    update_id INTEGER NOT NULL,
    PRIMARY KEY (timite_id, space_id)
  ) WITHOUT ROWID;

  -- Full-text search over messages.content, kept by the triggers below. External content:
  -- the text itself lives only in messages. secure-delete makes FTS5 remove a deleted or
  -- edited text's terms from the index pages instead of appending delete markers, so a
  -- deleted message's words leave the file (with PRAGMA secure_delete on the connection).
  CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = 'messages', content_rowid = 'id');
  INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
  -- Indexes the messages written before this step.
  INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
  END;
  `,
  `
  -- Abilities (issue 16): a call of a timite's ability and its one outcome, each an update of
  -- its space's timeline (head_id + 1, like a message), read back merged by update_id. The
  -- call's update id is its call id.
  CREATE TABLE ability_calls (
    space_id TEXT NOT NULL REFERENCES spaces (id),
    update_id INTEGER NOT NULL,
    caller_id INTEGER NOT NULL REFERENCES timites (id),
    target_id INTEGER NOT NULL REFERENCES timites (id),
    ability TEXT NOT NULL,
    -- A JSON object.
    arguments TEXT NOT NULL,
    -- When a timeout is recorded unless the target answered first.
    deadline INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    -- The update id of its outcome; NULL while the call waits for one.
    outcome_id INTEGER,
    PRIMARY KEY (space_id, update_id)
  ) WITHOUT ROWID;
  -- The timeout sweep: the waiting calls, by deadline.
  CREATE INDEX ability_calls_by_deadline ON ability_calls (deadline) WHERE outcome_id IS NULL;

  CREATE TABLE ability_outcomes (
    space_id TEXT NOT NULL REFERENCES spaces (id),
    update_id INTEGER NOT NULL,
    call_id INTEGER NOT NULL,
    -- The call's target, its author (also of a timeout, which the server records).
    target_id INTEGER NOT NULL REFERENCES timites (id),
    status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'timed_out')),
    -- JSON text of an ok result; NULL for none (a JSON null result is the text 'null').
    result TEXT,
    -- The target's sentence of an error.
    error TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (space_id, update_id),
    FOREIGN KEY (space_id, call_id) REFERENCES ability_calls (space_id, update_id)
  ) WITHOUT ROWID;
  -- One outcome per call, whoever records it.
  CREATE UNIQUE INDEX ability_outcomes_by_call ON ability_outcomes (space_id, call_id);
  `,
  `
  -- Access control (issue 19). Every space before this step is public, of kind 'space'.
  ALTER TABLE spaces ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private'));
  ALTER TABLE spaces ADD COLUMN kind TEXT NOT NULL DEFAULT 'space' CHECK (kind IN ('space', 'dm'));
  -- When it was archived (readable, no posting); NULL when it is not.
  ALTER TABLE spaces ADD COLUMN archived_at INTEGER;
  -- A DM's participants, their sorted ids joined by commas: opening it again finds it. NULL
  -- for every other space (NULLs never collide in a unique index).
  ALTER TABLE spaces ADD COLUMN dm_key TEXT;
  CREATE UNIQUE INDEX spaces_by_dm_key ON spaces (dm_key);

  -- Who is a member of which space, with what role. In a public space membership only records
  -- roles and joins; a private space exists only for its members.
  CREATE TABLE space_members (
    space_id TEXT NOT NULL REFERENCES spaces (id),
    timite_id INTEGER NOT NULL REFERENCES timites (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (space_id, timite_id)
  ) WITHOUT ROWID;
  CREATE INDEX space_members_by_timite ON space_members (timite_id);

  -- Registration by invite: a code is stored only as its hash, like a session key.
  CREATE TABLE invite_codes (
    code_hash TEXT PRIMARY KEY,
    uses_left INTEGER NOT NULL CHECK (uses_left >= 0),
    -- NULL: it does not expire.
    expires_at INTEGER,
    -- The admin that made it; NULL for the CLI.
    created_by INTEGER REFERENCES timites (id),
    created_at INTEGER NOT NULL
  );

  -- The creators of the spaces made before this step own them; main has no creator, no owner.
  INSERT INTO space_members (space_id, timite_id, role, joined_at)
    SELECT s.id, s.created_by, 'owner', s.created_at FROM spaces s JOIN timites t ON t.id = s.created_by;
  `,
];
/**
 * Brings the database to the newest schema. All pending steps run in one transaction,
 * so a crash midway leaves the previous version intact; reopening an up-to-date file
 * changes nothing.
 */
export function applyMigrations(db: Database.Database): void {
  const migrate = db.transaction(() => {
    const version = readUserVersion(db);
    if (version > MIGRATIONS.length) {
      throw new Error(`The database has schema version ${version}; this tim-code knows up to ${MIGRATIONS.length}.`);
    }
    for (const [index, sql] of MIGRATIONS.entries()) {
      if (index < version) continue;
      db.exec(sql);
      // PRAGMA takes no bound parameters; index is a number we produced.
      db.pragma(`user_version = ${index + 1}`);
    }
  });
  // IMMEDIATE: two processes opening a new file at once migrate one after the other.
  migrate.immediate();
}

export function readUserVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error('PRAGMA user_version did not answer a number.');
  return version;
}
