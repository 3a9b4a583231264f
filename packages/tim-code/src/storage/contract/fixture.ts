import { messageOf, type Message, type MessageUpdate, type SpaceId, type Timite, type Update } from '@tim/protocol';
import type { AppendResult, MessageChangeStorage, NewMessage, Storage } from '../storage';

/** Opens a fresh, empty store; `cleanup` closes it and removes whatever it left behind. */
export type MakeStorage<S extends Storage = Storage> = () => Promise<{ storage: S; cleanup: () => Promise<void> }>;

/** A store that also keeps edits, deletes, reactions, read markers and search (issue 17). */
export type FullStorage = Storage & MessageChangeStorage;
export type MakeFullStorage = MakeStorage<FullStorage>;

/** A fixed instant, so that expected times are exact. */
export const T0 = new Date('2026-01-02T03:04:05.678Z');

export function msAfterT0(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

/** The creator of the spaces tests create: `created_by` has no foreign key, so no timite row is needed. */
export const CREATOR = 1;

/** A message to append: the sender and whatever differs from the fixture's defaults. */
export type AppendInput = { sender: Timite } & Partial<Omit<NewMessage, 'senderId'>>;

export interface StorageFixture<S extends Storage = Storage> {
  /** The store of the running test. */
  storage(): S;
  createHuman(nick: string): Promise<Timite>;
  createAgent(nick: string): Promise<Timite>;
  /** Appends a message with defaults that tests override where they matter. */
  append(input: AppendInput): Promise<AppendResult>;
  /** Like `append`, but fails the test unless the outcome is 'created'; returns the update id. */
  appendCreated(input: AppendInput): Promise<number>;
  /** Like `appendCreated`, but returns the message that was created. */
  appendMessage(input: AppendInput): Promise<Message>;
  createSpace(id: SpaceId): Promise<void>;
}

/** Gives every test in the calling `describe` its own fresh store and cleans it up after. */
export function useStorage<S extends Storage>(makeStorage: MakeStorage<S>): StorageFixture<S> {
  let current: Awaited<ReturnType<MakeStorage<S>>> | undefined;
  beforeEach(async () => {
    current = await makeStorage();
  });
  afterEach(async () => {
    const finished = current;
    current = undefined;
    await finished?.cleanup();
  });

  function storage(): S {
    if (current === undefined) throw new Error('The storage fixture is used outside a test.');
    return current.storage;
  }

  async function createTimite(nick: string, kind: Timite['kind']): Promise<Timite> {
    const result = await storage().createTimite({
      nick,
      kind,
      passwordHash: kind === 'human' ? `hash-of-${nick}` : null,
    });
    if (!result.created) throw new Error(`The fixture could not create ${nick}: ${result.reason}`);
    return result.timite;
  }

  async function append({ sender, ...rest }: AppendInput): Promise<AppendResult> {
    return storage().appendMessage({
      spaceId: 'main',
      content: 'hello',
      mentions: [],
      createdAt: T0,
      maxAgentStreak: 10,
      ...rest,
      senderId: sender.id,
    });
  }

  return {
    storage,
    createHuman: (nick) => createTimite(nick, 'human'),
    createAgent: (nick) => createTimite(nick, 'agent'),
    append,
    async appendCreated(input) {
      return messageUpdateOf(await append(input)).id;
    },
    async appendMessage(input) {
      return messageUpdateOf(await append(input)).event.message;
    },
    async createSpace(id) {
      const result = await storage().createSpace({ id, name: `Space ${id}`, createdAt: T0, createdBy: CREATOR });
      if (!result.created) throw new Error(`The fixture could not create space ${id}.`);
    },
  };
}

function messageUpdateOf(result: AppendResult): MessageUpdate {
  if (result.outcome !== 'created') throw new Error(`Expected 'created', got '${result.outcome}'.`);
  return result.update;
}

/** The message an update adds; throws for an update of another kind. */
export function messageIn(update: Update | undefined): Message {
  const message = messageOf(update);
  if (message === undefined) throw new Error(`Expected a message update, got ${JSON.stringify(update)}`);
  return message;
}
