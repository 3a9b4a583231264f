import type {
  AbilityCallEvent,
  AbilityOutcomeEvent,
  JsonValue,
  Message,
  MessageStreamMark,
  MessageUpdate,
  SearchOrder,
  Space,
  SpaceId,
  SpaceListing,
  SpaceUnread,
  Timite,
  TimiteKind,
  Update,
} from '@tim/protocol';

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
  /**
   * Registration by invite (issue 19): the code is consumed in the same transaction as the
   * account is created — one use taken, expiry checked at `now` — or nothing happens at all.
   */
  invite?: { codeHash: string; now: Date };
}

export type CreateTimiteResult =
  | { created: true; timite: Timite }
  | { created: false; reason: 'nick_taken' }
  /** The invite code is unknown, revoked, expired or used up; no use was taken and no account made. */
  | { created: false; reason: 'invite_invalid' };

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
  /** The id of an earlier message of the same space that this one answers. */
  replyTo?: number;
  createdAt: Date;
  /**
   * Agent loop guard, checked in the same transaction as the append: an agent's message is
   * refused when the space's trailing run of agent messages already has this length.
   */
  maxAgentStreak: number;
}

/** Outcomes of an append; none of them is an exception. */
export type AppendResult =
  | { outcome: 'created'; update: MessageUpdate }
  /** The same sender sent this clientMsgId before; `update` is the original (as it is now). */
  | { outcome: 'duplicate'; update: MessageUpdate }
  /** The same sender sent this clientMsgId before with different content or space. */
  | { outcome: 'client_msg_id_conflict' }
  | { outcome: 'agent_turn_limit' }
  | { outcome: 'space_not_found' }
  /** `replyTo` names no message of this space. */
  | { outcome: 'reply_not_found' };

/** A message as it is now (edited, deleted, reacted to) and the id of the update that added it. */
export interface CurrentMessage {
  message: Message;
  updateId: number;
}

/** Names one message; a message of another space is not found. */
export interface MessageRef {
  spaceId: SpaceId;
  messageId: number;
}

export interface MessageEdit extends MessageRef {
  /** Only the sender may edit. */
  editorId: number;
  /** Already trimmed and validated. */
  content: string;
  mentions: number[];
  editedAt: Date;
}

export interface MessageDeletion extends MessageRef {
  actorId: number;
  deletedAt: Date;
  /** Moderators (issue 19) may delete others' messages; otherwise only the sender may. */
  asModerator?: boolean;
}

export interface ReactionChange extends MessageRef {
  timiteId: number;
  emoji: string;
  /** true adds the reaction, false takes it back. */
  add: boolean;
  at: Date;
  /** A message holds at most this many distinct emoji. */
  maxEmojiPerMessage: number;
  /** One timite holds at most this many reactions on one message. */
  maxReactionsPerTimite: number;
}

/**
 * Outcomes of a change to a message; none of them is an exception. `changed` carries the
 * update that was appended (the space's next id, like a message) and the message as it is now.
 */
export type MessageChangeResult =
  | { outcome: 'changed'; update: Update; current: CurrentMessage }
  /** Nothing to do (a reaction already there or already gone, a delete of a tombstone). */
  | { outcome: 'unchanged'; current: CurrentMessage }
  | { outcome: 'not_found' }
  /** The actor may not change this message (not its sender). */
  | { outcome: 'forbidden' }
  /** The message is a tombstone: it cannot be edited or reacted to. */
  | { outcome: 'deleted'; current: CurrentMessage }
  /** A reaction past maxEmojiPerMessage or maxReactionsPerTimite. */
  | { outcome: 'reaction_limit' };

export interface MessageSearch {
  /** Lower-case words (`searchTerms`); a message matches when each is a prefix of one of its words. */
  terms: string[];
  /** Only these spaces; undefined: every space. */
  spaceIds?: SpaceId[];
  /** Only spaces this timite may read (public ones, and private ones where it is a member); undefined: no filter. */
  readerId?: number;
  order: SearchOrder;
  limit: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

export interface SearchPage {
  results: CurrentMessage[];
  /** Present when more results may follow. */
  nextCursor?: string;
}

export type UpdateRange =
  /** Updates with id > after, ascending, at most limit. */
  | { after: number; limit: number }
  /** The limit updates just before id `before`, ascending. */
  | { before: number; limit: number };

export type CreateSpaceResult = { created: true; space: Space } | { created: false; reason: 'id_taken' };

export interface NewSpace {
  id: SpaceId;
  name: string;
  createdAt: Date;
  /**
   * The timite that asked for it (the spaces of older schemas have none). When it names a
   * timite, that timite becomes the space's owner in the same transaction (issue 19).
   */
  createdBy: number;
  /** @default 'public' */
  visibility?: SpaceVisibility;
}

/**
 * Everything tim-code persists. Implementations: SQLite (default), PostgreSQL (several
 * machines) and memory (tests); all pass `storage.contract.ts`. Methods are async so that a
 * networked database fits the same shape.
 */
export interface Storage extends MessageChangeStorage, AbilityStorage, AccessStorage {
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

  /** Spaces carry `visibility` and `kind` always, `archivedAt` when archived (issue 19). */
  createSpace(input: NewSpace): Promise<CreateSpaceResult>;
  /** How many spaces `timiteId` has created (`TIM_MAX_SPACES_PER_TIMITE`); DMs are created by nobody. */
  countSpacesCreatedBy(timiteId: number): Promise<number>;
  /** Any space, private ones included: a reader's access is checked with `getSpaceAccess`. */
  getSpace(id: SpaceId): Promise<Space | undefined>;
  /**
   * At most `limit` spaces in creation order (main first), from the one after the space `after`;
   * none when `after` names no space. Every space, private ones included: a reader's listing
   * comes from `listSpacesFor`.
   */
  listSpaces(page: { after?: SpaceId; limit: number }): Promise<Space[]>;

  /**
   * Stores the message and assigns the space's next update id (1, 2, 3, … no gaps, no reuse)
   * in the same transaction. Resolves only once the message is durable.
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /**
   * Message updates show the message as it is now (edited content, tombstone, reactions); the
   * updates that changed it keep their place in the sequence, and so do calls of abilities and
   * their outcomes (AbilityStorage).
   */
  readUpdates(spaceId: SpaceId, range: UpdateRange): Promise<Update[]>;
  /** The space's newest update id, 0 when empty. */
  headId(spaceId: SpaceId): Promise<number>;

  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What a store keeps beyond write-once messages (issue 17): edits, deletes, reactions, read
 * markers and search. Every backend implements it and passes the contract suite's part for it.
 */
export interface MessageChangeStorage {
  /** The message as it is now; undefined when the space has no message with that id. */
  getMessage(ref: MessageRef): Promise<CurrentMessage | undefined>;
  /**
   * Replaces the content and mentions of the sender's own message and appends a
   * `message_edited` update, in one transaction. The agent streak does not change.
   */
  editMessage(input: MessageEdit): Promise<MessageChangeResult>;
  /**
   * Turns the message into a tombstone and appends `message_deleted`, in one transaction: its
   * content, mentions and reactions, and the content of its earlier edits, are erased from the
   * database and from the search index (not merely hidden). A tombstone answers `unchanged`.
   */
  deleteMessage(input: MessageDeletion): Promise<MessageChangeResult>;
  /** Adds or takes back a reaction and appends a `reaction` update when that changed anything. */
  changeReaction(input: ReactionChange): Promise<MessageChangeResult>;

  /**
   * Moves the timite's read marker in the space forward to `updateId` (never back, never past
   * the head) and returns the marker after the move. Undefined for an unknown space.
   */
  markRead(timiteId: number, spaceId: SpaceId, updateId: number): Promise<number | undefined>;
  /**
   * The timite's read markers and unread counts in these spaces (see SpaceUnread), each count
   * capped at `cap`. Spaces that do not exist are left out.
   */
  unreadCounts(timiteId: number, spaceIds: SpaceId[], cap: number): Promise<Map<SpaceId, SpaceUnread>>;

  /** Full-text search over messages that are not deleted. */
  searchMessages(search: MessageSearch): Promise<SearchPage>;
}

/** The ability updates (issue 16): a call and its outcome are updates of the timeline, like a message. */
export type AbilityCallUpdate = Update & { event: AbilityCallEvent };
export type AbilityOutcomeUpdate = Update & { event: AbilityOutcomeEvent };
export type AbilityUpdate = AbilityCallUpdate | AbilityOutcomeUpdate;

export interface NewAbilityCall {
  spaceId: SpaceId;
  callerId: number;
  /** The timite whose ability is called; the domain checked that it declared `ability` and that `arguments` fit. */
  targetId: number;
  ability: string;
  arguments: Record<string, JsonValue>;
  createdAt: Date;
  /** When a timeout is recorded unless the target answered first (createdAt + the call's timeout). */
  deadline: Date;
  /**
   * Agent loop guard, checked in the same transaction as the append: a call by an agent is
   * refused when the space's trailing run of agent messages, calls and outcomes already has
   * this length. A call extends the run when the caller is an agent and ends it when human.
   */
  maxAgentStreak: number;
}

/** Outcomes of a call's append; none of them is an exception. */
export type AbilityCallResult =
  { outcome: 'created'; update: AbilityCallUpdate } | { outcome: 'agent_turn_limit' } | { outcome: 'space_not_found' };

/** An answer to a call by its target. A timeout is recorded by `recordTimeouts`, never here. */
export type NewAbilityOutcome = {
  spaceId: SpaceId;
  callId: number;
  /** Who answers; only the call's target may. */
  answererId: number;
  createdAt: Date;
} & (
  | { status: 'ok'; result: JsonValue }
  /** A sentence from the target. */
  | { status: 'error'; error: string }
);

/**
 * Outcomes of an answer; none of them is an exception. In this order: an unknown call (or a
 * call of another space) is `not_found`; an answer from anyone but the target is `forbidden`;
 * a call that has an outcome already (answered, or timed out) is `already_answered` with that
 * outcome. Never refused by the agent streak guard: an answer must always be recordable.
 */
export type AbilityOutcomeResult =
  | { outcome: 'created'; update: AbilityOutcomeUpdate }
  | { outcome: 'not_found' }
  | { outcome: 'forbidden' }
  | { outcome: 'already_answered'; update: AbilityOutcomeUpdate };

/** A call as it is now: its update, and its outcome once it has one. */
export interface AbilityCallRecord {
  call: AbilityCallUpdate;
  outcome?: AbilityOutcomeUpdate;
}

/**
 * What a store keeps for abilities (issue 16): calls and their outcomes, each an update of its
 * space's timeline (head_id + 1, like a message) that `readUpdates` returns in the merged
 * sequence. Declarations are not stored: they live as long as connections (the registry).
 * Every backend implements it and passes `storage/ability.contract.ts`.
 *
 * The agent streak (the space's trailing run of agent turns) counts calls and outcomes like
 * messages: a call or an answer by an agent extends it, by a human ends it. An outcome is
 * never refused. A `timed_out` outcome extends the run when the target is an agent and leaves
 * it as it is when the target is a human (who took no turn, so the run does not end).
 */
export interface AbilityStorage {
  /** Stores the call as the space's next update (its id is the callId), in one transaction with the streak check. */
  appendAbilityCall(input: NewAbilityCall): Promise<AbilityCallResult>;
  /**
   * Stores the target's answer as the space's next update. Only once per call: of any number
   * of concurrent answers and timeouts (in any process), exactly one outcome is stored; the
   * others get `already_answered`.
   */
  appendAbilityOutcome(input: NewAbilityOutcome): Promise<AbilityOutcomeResult>;
  /**
   * Appends a `timed_out` outcome (at `now`) for at most `limit` calls, of any space, whose
   * deadline is at or before `now` and that have no outcome, oldest deadline first, and returns
   * the updates it appended so that the caller can publish them. Safe to run in every process
   * at once: a call gets one outcome, whoever records it.
   */
  recordTimeouts(now: Date, limit: number): Promise<AbilityOutcomeUpdate[]>;
  /** The call `callId` of the space and its outcome; undefined when the space has no such call. */
  getCall(spaceId: SpaceId, callId: number): Promise<AbilityCallRecord | undefined>;
}

/*
 * Access control (issue 19): who may be where. The types follow the protocol's Space and
 * SpaceListing extensions.
 */
export type SpaceVisibility = NonNullable<Space['visibility']>;
export type SpaceKind = NonNullable<Space['kind']>;
export type SpaceRole = NonNullable<SpaceListing['role']>;

/** A space with the reader's role there, when it is a member. */
export interface SpaceAccess {
  space: Space;
  role?: SpaceRole;
}

/** One member of a space (the protocol's Member). */
export interface SpaceMember {
  timite: Timite;
  role: SpaceRole;
  joinedAt: string;
}

/**
 * Who asks for a change of membership or of the space. A timite's authority is checked in the
 * same transaction as the change (access-rules.ts); `operator` (the CLI, the server itself)
 * may do anything the owner rules allow.
 */
export type AccessActor = { timiteId: number } | 'operator';

export interface NewMember {
  spaceId: SpaceId;
  actor: AccessActor;
  timiteId: number;
  role: SpaceRole;
  joinedAt: Date;
}

/**
 * Outcomes of adding a member; none of them is an exception. A timite adding itself as a
 * member of a public space is a join; otherwise the actor must be an owner or admin, and only
 * owners (or the operator) add owners. Nobody is added to a DM.
 */
export type AddMemberResult =
  | { outcome: 'created'; member: SpaceMember }
  | { outcome: 'already_member'; member: SpaceMember }
  | { outcome: 'unknown_timite' }
  | { outcome: 'space_not_found' }
  | { outcome: 'forbidden' };

export interface RoleChange {
  spaceId: SpaceId;
  actor: AccessActor;
  timiteId: number;
  role: SpaceRole;
}

/**
 * Outcomes of a role change. The actor must be an owner or admin; only owners give or take
 * 'owner'; roles in a DM do not change. `last_owner`: the change would leave a space that has
 * owners without one.
 */
export type ChangeRoleResult =
  | { outcome: 'changed'; member: SpaceMember; previousRole: SpaceRole }
  | { outcome: 'unchanged'; member: SpaceMember }
  | { outcome: 'not_member' }
  | { outcome: 'space_not_found' }
  | { outcome: 'forbidden' }
  | { outcome: 'last_owner' };

export interface MemberRemoval {
  spaceId: SpaceId;
  actor: AccessActor;
  timiteId: number;
}

/**
 * Outcomes of a removal. A member may remove itself (leave); otherwise the actor must be an
 * owner or admin, and admins do not remove owners. Nobody leaves or is removed from a DM.
 * `last_owner`: the space's only owner cannot leave or be removed.
 */
export type RemoveMemberResult =
  | { outcome: 'removed'; role: SpaceRole }
  | { outcome: 'not_member' }
  | { outcome: 'space_not_found' }
  | { outcome: 'forbidden' }
  | { outcome: 'last_owner' };

export interface SpaceChange {
  spaceId: SpaceId;
  actor: AccessActor;
  name?: string;
  visibility?: SpaceVisibility;
  /** true archives (at `at`, unless archived already), false unarchives. */
  archived?: boolean;
  at: Date;
}

/**
 * Outcomes of a change to a space. The actor must be an owner or admin. A DM cannot be made
 * public. `before` is the space as it was (a public→private switch ends non-members' subscriptions).
 */
export type UpdateSpaceResult =
  { outcome: 'updated'; space: Space; before: Space } | { outcome: 'space_not_found' } | { outcome: 'forbidden' };

export interface DmOpening {
  /** Every participant, the opener included (2–8 distinct timites; order and repeats do not matter). */
  timiteIds: number[];
  /** Shown in listings: the participants' nicks, joined. */
  name: string;
  createdAt: Date;
}

/**
 * Outcomes of opening a DM: the same set of timites always gets the same space (its id is
 * dm-keys.ts `dmSpaceIdOf`), created by the first opening with every participant a member
 * (role 'member': a DM has no owner); two openings at once create one space.
 */
export type OpenDmResult =
  | { outcome: 'created'; space: Space }
  | { outcome: 'opened'; space: Space }
  | { outcome: 'unknown_timite' }
  /** A space that is not this DM has the DM's id (space creation should refuse ids beginning with 'dm-'). */
  | { outcome: 'id_taken' };

export type SpacesScope =
  /** Public spaces and the private ones where the reader is a member (what it may read). */
  | 'all'
  /** Only spaces where the reader is a member, DMs included. */
  | 'mine'
  /** Only public spaces; `q` filters them. */
  | 'public';

export interface SpacesForReader {
  readerId: number;
  scope: SpacesScope;
  /** With scope 'public': only spaces whose id or name contains this text, case ignored. */
  q?: string;
  /** From the one after the space `after`, in creation order; nothing when `after` names no space. */
  after?: SpaceId;
  limit: number;
}

export interface NewInviteCode {
  /** The code is stored only as a hash (like a session key). */
  codeHash: string;
  /** How many accounts it may create, at least 1. */
  uses: number;
  /** null: it does not expire. */
  expiresAt: Date | null;
  /** The admin that made it; undefined for the CLI. */
  createdBy?: number;
  createdAt: Date;
}

export interface InviteCodeRecord {
  codeHash: string;
  /** 0 once used up. */
  usesLeft: number;
  expiresAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
}

export type RevokeInviteResult =
  | { outcome: 'revoked'; codeHash: string }
  | { outcome: 'not_found' }
  /** The prefix names more than one code; nothing was revoked. */
  | { outcome: 'ambiguous' };

/**
 * What a store keeps for access control (issue 19): spaces' visibility, kind and archive
 * mark, their members and roles, DMs, and invite codes (consumed by `createTimite`). The owner
 * rules are checked in the transaction that changes membership, so of two concurrent changes
 * that would each leave one owner, the second finds no owner to spare. `main` is public and has
 * no owner. Every backend implements it and passes `storage/access.contract.ts`.
 */
export interface AccessStorage {
  /** The space and `timiteId`'s role there; undefined for an unknown space (private ones included: the caller decides). */
  getSpaceAccess(spaceId: SpaceId, timiteId: number): Promise<SpaceAccess | undefined>;
  /** Members in the order they joined; empty for an unknown space. */
  listMembers(spaceId: SpaceId): Promise<SpaceMember[]>;
  addMember(input: NewMember): Promise<AddMemberResult>;
  changeRole(input: RoleChange): Promise<ChangeRoleResult>;
  removeMember(input: MemberRemoval): Promise<RemoveMemberResult>;
  updateSpace(input: SpaceChange): Promise<UpdateSpaceResult>;
  openDm(input: DmOpening): Promise<OpenDmResult>;
  /** At most `limit` spaces the reader may see in the scope, in creation order, each with its role. */
  listSpacesFor(query: SpacesForReader): Promise<SpaceAccess[]>;

  createInviteCode(input: NewInviteCode): Promise<void>;
  /** Every code, used up and expired ones included, newest first. */
  listInviteCodes(): Promise<InviteCodeRecord[]>;
  /** Deletes the one code whose hash begins with `codeHashPrefix` (at least one character). */
  revokeInviteCode(codeHashPrefix: string): Promise<RevokeInviteResult>;
}
