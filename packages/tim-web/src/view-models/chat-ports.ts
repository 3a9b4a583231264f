import type { TimClient, TimConnection } from '@tim/protocol';

/** The part of a `TimConnection` the chat screen uses; tests pass a fake. */
export type ChatConnection = Pick<
  TimConnection,
  'state' | 'on' | 'subscribe' | 'unsubscribe' | 'sendActivity' | 'stopStream' | 'watchUnread' | 'close'
>;

/** The frames the open space and the composer send; before the chat connects, none is sent. */
export type SpaceFrames = Pick<ChatConnection, 'state' | 'subscribe' | 'unsubscribe' | 'sendActivity' | 'stopStream'>;

/** The part of `TimClient` the chat screen uses; tests pass a fake. */
export type ChatClient = Pick<
  TimClient,
  | 'limits'
  | 'listSpaces'
  | 'createSpace'
  | 'openDm'
  | 'listMembers'
  | 'addMember'
  | 'removeMember'
  | 'joinSpace'
  | 'readUpdates'
  | 'presence'
  | 'sendMessage'
  | 'logout'
  | 'getMessage'
  | 'markRead'
  | 'search'
  | 'editMessage'
  | 'deleteMessage'
  | 'addReaction'
  | 'removeReaction'
  | 'listAbilities'
  | 'callAbility'
> & { connect(): ChatConnection };

/** How a chat module tells the screen that what it shows changed. */
export interface ChatSignals {
  /** Something the view shows changed: render again. */
  changed(): void;
  /**
   * Sets the failure that is not about one message (a page, a space), in words, or clears it
   * with `undefined`. It shows with the next `changed()`.
   */
  notice(text: string | undefined): void;
}
