import type { Message, Space, SpaceId, Timite } from '@tim/protocol';
import type { ConnectionStatus } from './connection-status';
import type { OutboxItem } from './outbox';
import type { TimelineEntry } from './timeline';

export type TimelineItem =
  | { key: string; kind: 'message'; updateId: number; message: Message; mine: boolean }
  | { key: string; kind: 'outbox'; item: OutboxItem };

/** Everything the chat screen renders, rebuilt on every change. */
export interface ChatView {
  me: Timite;
  connection: ConnectionStatus;
  spaces: Space[];
  spaceId: SpaceId;
  items: TimelineItem[];
  hasOlder: boolean;
  hasNewer: boolean;
  loadingOlder: boolean;
  people: Timite[];
  activity: string[];
  /** A failure that is not about one message (loading a page, creating a space), in words. */
  notice: string | undefined;
  /** The server's content limit in code points: the composer's counter and send button. */
  maxContentChars: number;
}

/**
 * The timeline as shown: the window's messages, then the reader's unconfirmed ones. While the
 * window does not reach the newest messages, unconfirmed ones would sit in the wrong place, so
 * they wait until it does.
 */
export function timelineItems(input: {
  entries: readonly TimelineEntry[];
  pending: readonly OutboxItem[];
  hasNewer: boolean;
  myId: number;
}): TimelineItem[] {
  const confirmed: TimelineItem[] = input.entries.map((entry) => ({
    key: `u${entry.updateId}`,
    kind: 'message',
    updateId: entry.updateId,
    message: entry.message,
    mine: entry.message.sender.id === input.myId,
  }));
  if (input.hasNewer) return confirmed;
  return [
    ...confirmed,
    ...input.pending.map((item): TimelineItem => ({ key: `c${item.clientMsgId}`, kind: 'outbox', item })),
  ];
}
