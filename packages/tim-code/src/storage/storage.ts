import type { MessageStreamMark, Space, SpaceId, Timite, TimiteKind, Update } from '@tim/protocol';

/** A timite with what only the server may see. */
export interface TimiteRecord {
  timite: Timite;
  /** scrypt hash for humans; null for agents, who authenticate with tokens only. */
  passwordHash: string | null;
  /** Agents whose token was revoked keep their nick (history names them) but cannot act. */
  revoked: boolean;
}

export interface NewTimite {
  nick: string;
  kind: TimiteKind;
  passwordHash: string | null;
}

export type CreateTimiteResult = { created: true; timite: Timite } | { created: false; reason: 'nick_taken' };

/** A session key or agent token, stored only as a hash of the key. */
export interface NewSession {
  keyHash: string;
  timiteId: number;
  createdAt: Date;
  /** null for agent tokens, which live until revoked. */
  expiresAt: Date | null;
}

export interface SessionRecord {
  timite: Timite;
  createdAt: Date;
  expiresAt: Date | null;
}

/**
 * One entry of the revocation feed: a session key that stopped working before its expiry
 * (logout), or every key of a timite (an agent's revoke). Processes that cache sessions or
 * hold sockets follow the feed to drop what it names.
 */
export type Revocation = { seq: number } & RevokedKeys;

export type RevokedKeys = { kind: 'session'; keyHash: string } | { kind: 'timite'; timiteId: number };

export interface NewMessage {
  spaceId: SpaceId;
  senderId: number;
  /** Already trimmed and validated. */
  content: string;
  /** Ids of the timites mentioned, resolved by the domain. */
  mentions: number[];
  clientMsgId?: string;
  /** The mark of a streamed message's final text. */
  stream?: MessageStreamMark;
  createdAt: Date;
  /**
   * Agent loop guard, checked in the same transaction as the append: an agent's message is
   * refused when the space's trailing run of agent messages already has this length.
   */
  maxAgentStreak: number;
}

/** Outcomes of an append; none of them is an exception. */
export type AppendResult =
  | { outcome: 'created'; update: Update }
  /** The same sender sent this clientMsgId before; `update` is the original. */
  | { outcome: 'duplicate'; update: Update }
  /** The same sender sent this clientMsgId before with different content or space. */
  | { outcome: 'client_msg_id_conflict' }
  | { outcome: 'agent_turn_limit' }
  | { outcome: 'space_not_found' };

export type UpdateRange =
  /** Updates with id > after, ascending, at most limit. */
  | { after: number; limit: number }
  /** The limit updates just before id `before`, ascending. */
  | { before: number; limit: number };

export type CreateSpaceResult = { created: true; space: Space } | { created: false; reason: 'id_taken' };

/**
 * Everything tim-code persists. Implementations: SQLite (default), PostgreSQL (several
 * machines) and memory (tests); all pass `storage.contract.ts`. Methods are async so that a
 * networked database fits the same shape.
 */
export interface Storage {
  createTimite(input: NewTimite): Promise<CreateTimiteResult>;
  /** Case-insensitive. */
  findTimiteByNick(nick: string): Promise<TimiteRecord | undefined>;
  listTimites(kind?: TimiteKind): Promise<Timite[]>;
  /**
   * Marks an agent revoked, deletes all its tokens and appends a `timite` revocation, in one
   * transaction. Returns false (and changes nothing) for an unknown nick or a human.
   */
  revokeAgent(nick: string, now: Date): Promise<boolean>;
  /**
   * Clears a revoked agent's mark so that a token issued afterwards works again. Returns the
   * timite only when this call cleared it: undefined for an unknown nick, a human or an agent
   * that is not revoked, so of two concurrent calls only one goes on to issue a token.
   */
  reinstateAgent(nick: string): Promise<Timite | undefined>;

  createSession(input: NewSession): Promise<void>;
  /** Only live sessions: unknown, expired and revoked keys give undefined. */
  findSession(keyHash: string, now: Date): Promise<SessionRecord | undefined>;
  /** Deletes the session and, when there was one, appends a `session` revocation in the same transaction. */
  deleteSession(keyHash: string, now: Date): Promise<void>;
  /** Returns how many were deleted. Expiry needs no revocation: every reader checks it. */
  deleteExpiredSessions(now: Date): Promise<number>;

  /**
   * Revocations with seq > `after`, ascending, at most `limit`. Seqs increase in commit
   * order, so a reader that remembers the last seq it saw misses none.
   */
  readRevocationsAfter(after: number, limit: number): Promise<Revocation[]>;
  /** The newest revocation's seq, 0 when there is none. */
  revocationHead(): Promise<number>;
  /** Deletes revocations appended before `before` (after every follower has read them); returns how many. */
  pruneRevocations(before: Date): Promise<number>;

  /** `createdBy` is the timite that asked for it; the spaces of older schemas have none. */
  createSpace(input: { id: SpaceId; name: string; createdAt: Date; createdBy: number }): Promise<CreateSpaceResult>;
  /** How many spaces `timiteId` has created (`TIM_MAX_SPACES_PER_TIMITE`). */
  countSpacesCreatedBy(timiteId: number): Promise<number>;
  getSpace(id: SpaceId): Promise<Space | undefined>;
  /**
   * At most `limit` spaces in creation order (main first), from the one after the space `after`;
   * none when `after` names no space.
   */
  listSpaces(page: { after?: SpaceId; limit: number }): Promise<Space[]>;

  /**
   * Stores the message and assigns the space's next update id (1, 2, 3, … no gaps, no reuse)
   * in the same transaction. Resolves only once the message is durable.
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  readUpdates(spaceId: SpaceId, range: UpdateRange): Promise<Update[]>;
  /** The space's newest update id, 0 when empty. */
  headId(spaceId: SpaceId): Promise<number>;

  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
