import { MAIN_SPACE_ID } from '@tim/protocol';
import type { Space, SpaceId, Timite, TimiteKind } from '@tim/protocol';
import { planAppend, toCreatedUpdate } from '../append-rules';
import type {
  AbilityStorage,
  AccessStorage,
  MessageChangeStorage,
  NewSession,
  Revocation,
  RevokedKeys,
  Storage,
  TimiteRecord,
} from '../storage';
import { createMemoryAbilities } from './memory-abilities';
import { createMemoryAccess } from './memory-access';
import { createMemoryMessageChanges } from './memory-message-changes';
import { entryToUpdate, messageUpdateOf, type SpaceState, type StoredMessage } from './memory-timeline';

/** The memory store keeps everything issues 16, 17 and 19 ask of a store. */
export type MemoryStorage = Storage & MessageChangeStorage & AbilityStorage & AccessStorage;

/**
 * A Storage held in process memory, for fast unit tests. Every method body runs
 * synchronously, so each call is atomic without locks. Values are copied in and out, so a
 * caller mutating a result cannot change the store.
 */
export function createMemoryStorage(): MemoryStorage {
  const timites = new Map<number, TimiteRecord>();
  const timiteIdByNick = new Map<string, number>();
  const sessions = new Map<string, NewSession>();
  const spaces = new Map<SpaceId, SpaceState>();
  const messages = new Map<number, StoredMessage>();
  /** senderId → clientMsgId → the id of the message it created. */
  const messageIdsByClientMsgId = new Map<number, Map<string, number>>();
  const revocations: Array<{ revocation: Revocation; createdAt: Date }> = [];
  let lastRevocationSeq = 0;
  let lastTimiteId = 0;
  let lastMessageId = 0;
  let isClosed = false;

  spaces.set(MAIN_SPACE_ID, {
    space: {
      id: MAIN_SPACE_ID,
      name: MAIN_SPACE_ID,
      createdAt: new Date().toISOString(),
      visibility: 'public',
      kind: 'space',
    },
    entries: [],
    agentStreak: 0,
  });

  function assertOpen(): void {
    if (isClosed) throw new Error('The memory storage is closed.');
  }

  function appendRevocation(revoked: RevokedKeys, createdAt: Date): void {
    lastRevocationSeq += 1;
    revocations.push({ revocation: { seq: lastRevocationSeq, ...revoked }, createdAt: new Date(createdAt) });
  }

  function findLiveSession(keyHash: string, now: Date): { session: NewSession; timite: Timite } | undefined {
    const session = sessions.get(keyHash);
    if (session === undefined) return undefined;
    if (session.expiresAt !== null && session.expiresAt.getTime() <= now.getTime()) return undefined;
    const record = timites.get(session.timiteId);
    if (record === undefined || record.revoked) return undefined;
    return { session, timite: record.timite };
  }

  const messageChanges = createMemoryMessageChanges({ timites, spaces, messages, assertOpen });
  const abilities = createMemoryAbilities({ timites, spaces, messages, assertOpen });
  const { recordOwner, takeInvite, mayRead, ...access } = createMemoryAccess({ timites, spaces, assertOpen });

  return {
    ...messageChanges,
    ...abilities,
    ...access,

    async searchMessages(search) {
      assertOpen();
      const { readerId } = search;
      if (readerId === undefined) return messageChanges.searchMessages(search);
      const spaceIds = (search.spaceIds ?? [...spaces.keys()]).filter((spaceId) => mayRead(spaceId, readerId));
      return messageChanges.searchMessages({ ...search, spaceIds });
    },

    async createTimite(input) {
      assertOpen();
      const nickKey = input.nick.toLowerCase();
      if (timiteIdByNick.has(nickKey)) return { created: false, reason: 'nick_taken' };
      if (input.invite !== undefined && !takeInvite(input.invite.codeHash, input.invite.now)) {
        return { created: false, reason: 'invite_invalid' };
      }
      lastTimiteId += 1;
      const timite: Timite = { id: lastTimiteId, nick: input.nick, kind: input.kind };
      timites.set(timite.id, { timite, passwordHash: input.passwordHash, revoked: false });
      timiteIdByNick.set(nickKey, timite.id);
      return { created: true, timite: { ...timite } };
    },

    async findTimiteByNick(nick) {
      assertOpen();
      const id = timiteIdByNick.get(nick.toLowerCase());
      const record = id === undefined ? undefined : timites.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },

    async listTimites(kind?: TimiteKind) {
      assertOpen();
      return [...timites.values()]
        .filter((record) => kind === undefined || record.timite.kind === kind)
        .map((record) => ({ ...record.timite }));
    },

    async revokeAgent(nick, now) {
      assertOpen();
      const id = timiteIdByNick.get(nick.toLowerCase());
      const record = id === undefined ? undefined : timites.get(id);
      if (record === undefined || record.timite.kind !== 'agent') return false;
      record.revoked = true;
      for (const [keyHash, session] of sessions) {
        if (session.timiteId === record.timite.id) sessions.delete(keyHash);
      }
      appendRevocation({ kind: 'timite', timiteId: record.timite.id }, now);
      return true;
    },

    async reinstateAgent(nick) {
      assertOpen();
      const id = timiteIdByNick.get(nick.toLowerCase());
      const record = id === undefined ? undefined : timites.get(id);
      if (record === undefined || record.timite.kind !== 'agent' || !record.revoked) return undefined;
      record.revoked = false;
      return { ...record.timite };
    },

    async createSession(input) {
      assertOpen();
      if (!timites.has(input.timiteId)) throw new Error(`createSession: unknown timite id ${input.timiteId}`);
      if (sessions.has(input.keyHash)) throw new Error('createSession: the key hash exists already');
      sessions.set(input.keyHash, structuredClone(input));
    },

    async findSession(keyHash, now) {
      assertOpen();
      const live = findLiveSession(keyHash, now);
      if (live === undefined) return undefined;
      return {
        timite: { ...live.timite },
        createdAt: new Date(live.session.createdAt),
        expiresAt: live.session.expiresAt === null ? null : new Date(live.session.expiresAt),
      };
    },

    async deleteSession(keyHash, now) {
      assertOpen();
      if (sessions.delete(keyHash)) appendRevocation({ kind: 'session', keyHash }, now);
    },

    async deleteExpiredSessions(now) {
      assertOpen();
      let deleted = 0;
      for (const [keyHash, session] of sessions) {
        if (session.expiresAt !== null && session.expiresAt.getTime() <= now.getTime()) {
          sessions.delete(keyHash);
          deleted += 1;
        }
      }
      return deleted;
    },

    async readRevocationsAfter(after, limit) {
      assertOpen();
      return revocations
        .filter(({ revocation }) => revocation.seq > after)
        .slice(0, limit)
        .map(({ revocation }) => ({ ...revocation }));
    },

    async revocationHead() {
      assertOpen();
      return revocations.at(-1)?.revocation.seq ?? 0;
    },

    async pruneRevocations(before) {
      assertOpen();
      const kept = revocations.filter(({ createdAt }) => createdAt.getTime() >= before.getTime());
      const pruned = revocations.length - kept.length;
      revocations.splice(0, revocations.length, ...kept);
      return pruned;
    },

    async createSpace(input) {
      assertOpen();
      if (spaces.has(input.id)) return { created: false, reason: 'id_taken' };
      const space: Space = {
        id: input.id,
        name: input.name,
        createdAt: input.createdAt.toISOString(),
        visibility: input.visibility ?? 'public',
        kind: 'space',
      };
      spaces.set(space.id, { space, createdBy: input.createdBy, entries: [], agentStreak: 0 });
      recordOwner(space.id, input.createdBy, input.createdAt);
      return { created: true, space: { ...space } };
    },

    async countSpacesCreatedBy(timiteId) {
      assertOpen();
      return [...spaces.values()].filter((state) => state.createdBy === timiteId).length;
    },

    async getSpace(id) {
      assertOpen();
      const state = spaces.get(id);
      return state === undefined ? undefined : { ...state.space };
    },

    async listSpaces({ after, limit }) {
      assertOpen();
      // Map iteration follows insertion order, which is creation order.
      const states = [...spaces.values()];
      const start = after === undefined ? 0 : states.findIndex((state) => state.space.id === after) + 1;
      if (after !== undefined && start === 0) return [];
      return states.slice(start, start + limit).map((state) => ({ ...state.space }));
    },

    async appendMessage(input) {
      assertOpen();
      const state = spaces.get(input.spaceId);
      const originalId =
        input.clientMsgId === undefined
          ? undefined
          : messageIdsByClientMsgId.get(input.senderId)?.get(input.clientMsgId);
      const original = originalId === undefined ? undefined : messages.get(originalId);
      const replied = input.replyTo === undefined ? undefined : messages.get(input.replyTo);
      const plan = planAppend(input, {
        space: state === undefined ? undefined : { headId: state.entries.length, agentStreak: state.agentStreak },
        original: original === undefined ? undefined : messageUpdateOf(original),
        sender: timites.get(input.senderId)?.timite,
        replyFound: replied?.message.spaceId === input.spaceId,
      });
      if (plan.action === 'answer') return structuredClone(plan.result);
      // planAppend plans an insert only into an existing space.
      if (state === undefined) throw new Error('appendMessage: planned an insert into a missing space');
      lastMessageId += 1;
      const update = toCreatedUpdate(input, plan, lastMessageId);
      messages.set(lastMessageId, { message: structuredClone(update.event.message), updateId: update.id });
      state.entries.push({ kind: 'message', messageId: lastMessageId });
      state.agentStreak = plan.agentStreak;
      if (input.clientMsgId !== undefined) {
        const bySender = messageIdsByClientMsgId.get(input.senderId) ?? new Map<string, number>();
        bySender.set(input.clientMsgId, lastMessageId);
        messageIdsByClientMsgId.set(input.senderId, bySender);
      }
      return { outcome: 'created', update };
    },

    async readUpdates(spaceId, range) {
      assertOpen();
      const entries = spaces.get(spaceId)?.entries ?? [];
      // entries[i] has id i + 1, so ids map straight to array positions.
      let start: number;
      let end: number;
      if ('after' in range) {
        start = Math.max(range.after, 0);
        end = start + range.limit;
      } else {
        end = Math.min(Math.max(range.before - 1, 0), entries.length);
        start = Math.max(end - range.limit, 0);
      }
      return entries.slice(start, end).map((entry) => entryToUpdate(entry, messages));
    },

    async headId(spaceId) {
      assertOpen();
      return spaces.get(spaceId)?.entries.length ?? 0;
    },

    async ping() {
      assertOpen();
    },

    async close() {
      isClosed = true;
    },
  };
}
