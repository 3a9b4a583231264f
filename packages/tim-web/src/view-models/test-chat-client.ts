import {
  type CallAbilityRequest,
  type CallAbilityResponse,
  type TimiteAbilities,
  DEFAULT_LIMITS,
  Emitter,
  TimClientError,
  type ConnectionState,
  type MessageChangeResponse,
  type ReadUpdatesOptions,
  type SendMessageResult,
  type ServerLimits,
  type TimConnectionEvents,
  type Timite,
  type Update,
  type UpdatesResponse,
} from '@tim/protocol';
import type { ChatClient, ChatConnection } from './chat-ports';
import type { KeyValueStore } from './key-value-store';
import { makeUpdate } from './test-updates';

export const me: Timite = { id: 7, nick: 'bo', kind: 'human' };

export const SERVER_LIMITS: ServerLimits = {
  messageChars: DEFAULT_LIMITS.messageChars,
  httpBodyBytes: DEFAULT_LIMITS.httpBodyBytes,
  wsFrameBytes: DEFAULT_LIMITS.wsFrameBytes,
  subscriptionsPerConnection: DEFAULT_LIMITS.subscriptionsPerConnection,
  connectionsPerTimite: DEFAULT_LIMITS.connectionsPerTimite,
};

export interface FakeSend {
  spaceId: string;
  clientMsgId: string;
  content: string;
  settle: (outcome: SendMessageResult | Error) => void;
}

/**
 * A TimClient stand-in for the chat view-models' tests. Spaces `main` and `side` hold the
 * `updates` made for them; sends wait until the test settles them; the connection's events are the
 * test's to emit, and what the controller subscribes, unsubscribes and stops is recorded. Extend it
 * with the calls a new test needs.
 */
export function createFakeClient(
  updates: Update[],
  limits: () => Promise<ServerLimits> = async () => ({ ...SERVER_LIMITS }),
) {
  const events = new Emitter<TimConnectionEvents>();
  const sends: FakeSend[] = [];
  const subscribed: Array<{ spaceId: string; after?: number }> = [];
  const unsubscribed: string[] = [];
  const stopped: Array<{ spaceId: string; streamId: string }> = [];
  const marked: Array<{ spaceId: string; updateId: number }> = [];
  const changes: FakeChange[] = [];
  /** What `listAbilities` answers, by space. */
  const abilities = new Map<string, TimiteAbilities[]>();
  const calls: FakeCall[] = [];
  const watching = { unread: false };
  /** The spaces `joinSpace` was asked to join, in order. */
  const joined: string[] = [];
  const state: { value: ConnectionState } = { value: 'open' };
  const connection: ChatConnection = {
    get state() {
      return state.value;
    },
    on: (name, listener) => events.on(name, listener),
    subscribe: (spaceId, options) => void subscribed.push({ spaceId, ...options }),
    unsubscribe: (spaceId) => void unsubscribed.push(spaceId),
    sendActivity: () => true,
    stopStream: (spaceId, streamId) => state.value === 'open' && stopped.push({ spaceId, streamId }) > 0,
    watchUnread: () => (watching.unread = true),
    close: () => undefined,
  };
  const client: ChatClient = {
    connect: () => connection,
    limits,
    listSpaces: async () => ({
      spaces: ['main', 'side'].map((id) => ({ id, name: id, createdAt: '2026-01-01T00:00:00.000Z' })),
    }),
    createSpace: async (input) => ({ ...input, createdAt: '2026-01-01T00:00:00.000Z' }),
    openDm: async (nicks) => ({
      space: { id: 'dm-test', name: nicks.join(', '), createdAt: '2026-01-01T00:00:00.000Z', kind: 'dm' },
      created: true,
    }),
    listMembers: async () => [{ timite: me, role: 'owner', joinedAt: '2026-01-01T00:00:00.000Z' }],
    addMember: async (_spaceId, nick) => ({
      timite: { id: 99, nick, kind: 'human' },
      role: 'member',
      joinedAt: '2026-01-01T00:00:00.000Z',
    }),
    removeMember: async () => undefined,
    joinSpace: async (spaceId) => {
      joined.push(spaceId);
      return { timite: me, role: 'member', joinedAt: '2026-01-01T00:00:00.000Z' };
    },
    presence: async () => [me],
    logout: async () => undefined,
    readUpdates: async (spaceId, range = {}) =>
      pageOf(
        updates.filter((update) => update.spaceId === spaceId),
        range,
      ),
    sendMessage: (spaceId, content, options) =>
      new Promise<SendMessageResult>((resolve, reject) => {
        sends.push({
          spaceId,
          clientMsgId: options?.clientMsgId ?? '',
          content,
          settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        });
      }),
    getMessage: async (spaceId, messageId) => {
      const update = updates.find((candidate) => candidate.spaceId === spaceId && candidate.id === messageId);
      if (update?.event.type !== 'message') throw new TimClientError('not_found', 'No such message.');
      return { message: update.event.message, updateId: update.id };
    },
    markRead: async (spaceId, updateId) => {
      marked.push({ spaceId, updateId });
      return { spaceId, readUpTo: updateId };
    },
    search: async () => ({ results: [] }),
    editMessage: (spaceId, messageId, content) => changeAnswer(changes, { call: 'edit', spaceId, messageId, content }),
    deleteMessage: (spaceId, messageId) => changeAnswer(changes, { call: 'delete', spaceId, messageId }),
    addReaction: (spaceId, messageId, emoji) => changeAnswer(changes, { call: 'react', spaceId, messageId, emoji }),
    removeReaction: (spaceId, messageId, emoji) =>
      changeAnswer(changes, { call: 'unreact', spaceId, messageId, emoji }),
    listAbilities: async (spaceId) => ({ timites: abilities.get(spaceId) ?? [] }),
    callAbility: (spaceId, request) =>
      new Promise<CallAbilityResponse>((resolve, reject) => {
        calls.push({
          spaceId,
          request,
          settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        });
      }),
  };
  return {
    client,
    events,
    sends,
    subscribed,
    unsubscribed,
    stopped,
    marked,
    watching,
    changes,
    state,
    abilities,
    calls,
    joined,
  };
}

/** An ability call the test answers with `settle`. */
export interface FakeCall {
  spaceId: string;
  request: CallAbilityRequest;
  settle: (outcome: CallAbilityResponse | Error) => void;
}

/** An edit, delete or reaction call the test answers with `settle`. */
export interface FakeChange {
  call: 'edit' | 'delete' | 'react' | 'unreact';
  spaceId: string;
  messageId: number;
  content?: string;
  emoji?: string;
  settle: (outcome: MessageChangeResponse | Error) => void;
}

function changeAnswer(changes: FakeChange[], call: Omit<FakeChange, 'settle'>): Promise<MessageChangeResponse> {
  return new Promise((resolve, reject) => {
    changes.push({ ...call, settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)) });
  });
}

/** The page of one space's `updates` (ids 1, 2, 3, …) the server answers for `range`. */
export function pageOf(updates: readonly Update[], range: ReadUpdatesOptions = {}): UpdatesResponse {
  const limit = range.limit ?? 100;
  const selected =
    range.before !== undefined
      ? updates.filter((update) => update.id < (range.before ?? 0)).slice(-limit)
      : updates.filter((update) => update.id > (range.after ?? 0)).slice(0, limit);
  return { updates: selected, headId: updates.length, timites: [] };
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** The server's answer to a send of `content` by `me`, stored as update `id`. */
export function confirmation(id: number, clientMsgId: string, content: string): SendMessageResult {
  const { event } = makeUpdate(id, { sender: me, content, clientMsgId });
  return { message: event.message, updateId: id, created: true };
}

/** Lets the awaited calls of the code under test run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
