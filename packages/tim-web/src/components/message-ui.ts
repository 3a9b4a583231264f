import { getContext, setContext } from 'svelte';
import type { Readable, Writable } from 'svelte/store';

/**
 * What a message's actions do, handed down from the chat screen by context so the timeline in
 * between does not pass them along. Absent (outside a chat), messages show no actions.
 */
export interface MessageUi {
  myId: number;
  /** The message being edited in place, if any (ArrowUp in the composer sets it too). */
  editing: Writable<number | undefined>;
  /** The message just jumped to, highlighted for a moment. */
  highlighted: Readable<number | undefined>;
  reply(messageId: number): void;
  /** Closes the editor (Esc, Cancel) and gives the composer the focus back. */
  endEdit(): void;
  /** Saves an edit; false when it failed (the editor then stays open with the text). */
  save(messageId: number, content: string): Promise<boolean>;
  remove(messageId: number): Promise<boolean>;
  toggleReaction(messageId: number, emoji: string): void;
  /** Shows a message that a reply quotes. */
  jumpTo(messageId: number): void;
}

const KEY = Symbol('message-ui');

export function provideMessageUi(ui: MessageUi): void {
  setContext(KEY, ui);
}

export function messageUi(): MessageUi | undefined {
  return getContext<MessageUi | undefined>(KEY);
}
