import type { Message, Timite, Update } from '@tim/protocol';
import type { CurrentMessage, MessageChangeResult, MessageDeletion, MessageEdit, ReactionChange } from '../storage';
import { T0, useStorage } from './fixture';
import type { FullStorage, MakeFullStorage, StorageFixture } from './fixture';

export type EditInput = { editor: Timite; messageId: number } & Partial<Omit<MessageEdit, 'editorId' | 'messageId'>>;
export type DeleteInput = { actor: Timite; messageId: number } & Partial<
  Omit<MessageDeletion, 'actorId' | 'messageId'>
>;
export type ReactInput = { timite: Timite; messageId: number; emoji: string } & Partial<
  Omit<ReactionChange, 'timiteId' | 'messageId' | 'emoji'>
>;

/** The storage fixture with shorthands for changes to messages, defaults that tests override where they matter. */
export interface ChangeFixture extends StorageFixture<FullStorage> {
  edit(input: EditInput): Promise<MessageChangeResult>;
  delete(input: DeleteInput): Promise<MessageChangeResult>;
  react(input: ReactInput): Promise<MessageChangeResult>;
  /** The message as it is now; fails the test when it is not found. */
  current(messageId: number, spaceId?: string): Promise<CurrentMessage>;
  /** Every update of the space, ascending. */
  timeline(spaceId?: string): Promise<Update[]>;
}

export function useChangeStorage(makeStorage: MakeFullStorage): ChangeFixture {
  const fixture = useStorage(makeStorage);
  return {
    ...fixture,
    edit: ({ editor, ...rest }) =>
      fixture.storage().editMessage({
        spaceId: 'main',
        content: 'edited',
        mentions: [],
        editedAt: T0,
        ...rest,
        editorId: editor.id,
      }),
    delete: ({ actor, ...rest }) =>
      fixture.storage().deleteMessage({ spaceId: 'main', deletedAt: T0, ...rest, actorId: actor.id }),
    react: ({ timite, ...rest }) =>
      fixture.storage().changeReaction({
        spaceId: 'main',
        add: true,
        at: T0,
        maxEmojiPerMessage: 20,
        maxReactionsPerTimite: 10,
        ...rest,
        timiteId: timite.id,
      }),
    async current(messageId, spaceId = 'main') {
      const found = await fixture.storage().getMessage({ spaceId, messageId });
      if (found === undefined) throw new Error(`Message ${messageId} of ${spaceId} was not found.`);
      return found;
    },
    timeline: (spaceId = 'main') => fixture.storage().readUpdates(spaceId, { after: 0, limit: 1000 }),
  };
}

/** The update a change appended; fails the test unless the outcome is 'changed'. */
export function changedUpdate(result: MessageChangeResult): Update {
  if (result.outcome !== 'changed') throw new Error(`Expected 'changed', got ${JSON.stringify(result)}`);
  return result.update;
}

/** The message as a change left it; fails the test when the outcome carries none. */
export function messageAfter(result: MessageChangeResult): Message {
  if (!('current' in result)) throw new Error(`Expected a current message, got ${JSON.stringify(result)}`);
  return result.current.message;
}
