import type { Message, MessageStreamMark, Space, SpaceId, Timite } from '@tim/protocol';
import type { CallEntry } from './ability-calls';
import type { OfferedAbility } from './abilities-in-space';
import { withCalls, type CallItem, type OutcomeItem } from './call-items';
import type { ConnectionStatus } from './connection-status';
import type { GrowingMessage } from './growing-messages';
import { entryKey } from './item-keys';
import type { NotificationPermissionState } from './mention-alerts';
import type { OutboxItem } from './outbox';
import type { ReplyQuote } from './reply-target';
import type { TimelineEntry } from './timeline';
import type { UnreadBadge } from './unread';

export type TimelineItem =
  | {
      key: string;
      kind: 'message';
      updateId: number;
      message: Message;
      mine: boolean;
      /** How a streamed message ended, when that is worth saying ("stopped by ann"). */
      streamNote: string | undefined;
      /** What the message answers, for a reply. */
      quote?: ReplyQuote;
    }
  | { key: string; kind: 'stream'; stream: GrowingMessage; mine: boolean }
  | { key: string; kind: 'outbox'; item: OutboxItem }
  | CallItem
  | OutcomeItem;

/** Everything the chat screen renders, rebuilt on every change. */
export interface ChatView {
  me: Timite;
  connection: ConnectionStatus;
  spaces: Space[];
  /** The server has spaces beyond `spaces` (they are listed page by page). */
  moreSpaces: boolean;
  /** The open space when the reader is not a member of it (a public space they may join). */
  previewing: Space | undefined;
  spaceId: SpaceId;
  items: TimelineItem[];
  hasOlder: boolean;
  hasNewer: boolean;
  /** Live messages that arrived past the window's end while the reader read back. */
  missedNewer: number;
  loadingOlder: boolean;
  people: Timite[];
  activity: string[];
  /** A failure that is not about one message (loading a page, creating a space), in words. */
  notice: string | undefined;
  /** The server's content limit in code points: the composer's counter and send button. */
  maxContentChars: number;
  /** The message the composer's next send answers. */
  replyingTo: ReplyQuote | undefined;
  /** Unread counts of the spaces with something unread, except the open one. */
  unread: ReadonlyMap<SpaceId, UnreadBadge>;
  /** The document title, with the unread totals. */
  title: string;
  /** The item the "New since your last visit" line goes above. */
  newSinceKey: string | undefined;
  /** The item of the message opened in context (a search result): highlighted, and scrolled to once per `focusSeq`. */
  focusKey: string | undefined;
  focusSeq: number;
  /** Whether desktop notifications may be shown, for the button that asks. */
  notifications: NotificationPermissionState;
  /** The abilities declared in the open space, for the composer's slash command. */
  abilities: readonly OfferedAbility[];
}

/**
 * The timeline as shown: the window's messages, the reader's unconfirmed ones, then the
 * messages being written, in the order their streams started. A final message gets a new
 * update id, so it lands after everything shown before it: its growing text sits where it
 * will stay. Both share the key `s<streamId>`, so the view keeps the same element when the
 * final message takes over. While the window does not reach the newest messages, unconfirmed
 * and growing ones would sit in the wrong place, so they wait until it does.
 */
export function timelineItems(input: {
  entries: readonly TimelineEntry[];
  pending: readonly OutboxItem[];
  growing: readonly GrowingMessage[];
  hasNewer: boolean;
  myId: number;
  nickOf: (timiteId: number) => string | undefined;
  /** The quote of the message a reply answers. */
  quoteOf?: (messageId: number) => ReplyQuote;
  /** Ability calls in the window: cards among the messages, by update id. */
  calls?: readonly CallEntry[];
}): TimelineItem[] {
  const messages = input.entries.map(({ updateId, message }): Extract<TimelineItem, { kind: 'message' }> => ({
    key: entryKey({ updateId, message }),
    kind: 'message',
    updateId,
    message,
    mine: message.sender.id === input.myId,
    streamNote: message.stream === undefined ? undefined : streamNote(message.stream, input.nickOf),
    ...(message.replyTo === undefined || input.quoteOf === undefined ? {} : { quote: input.quoteOf(message.replyTo) }),
  }));
  const confirmed: TimelineItem[] = withCalls(messages, input.calls ?? [], input.myId);
  if (input.hasNewer) return confirmed;
  // A page read while the stream ended can hold its final message before the live update
  // settles it; the message wins, and two items never share a key.
  const final = new Set(input.entries.map((entry) => entry.message.stream?.id));
  return [
    ...confirmed,
    ...input.pending.map((item): TimelineItem => ({ key: `c${item.clientMsgId}`, kind: 'outbox', item })),
    ...input.growing
      .filter((stream) => !final.has(stream.streamId))
      .map((stream): TimelineItem => ({
        key: `s${stream.streamId}`,
        kind: 'stream',
        stream,
        mine: stream.author.id === input.myId,
      })),
  ];
}

/** "stopped by ann" (or "stopped" when the stopper is unknown), "interrupted", or nothing for a finished stream. */
export function streamNote(
  mark: MessageStreamMark,
  nickOf: (timiteId: number) => string | undefined,
): string | undefined {
  switch (mark.end) {
    case 'finished':
      return undefined;
    case 'stopped': {
      const nick = mark.stoppedBy === undefined ? undefined : nickOf(mark.stoppedBy);
      return nick === undefined ? 'stopped' : `stopped by ${nick}`;
    }
    case 'timed_out':
    case 'disconnected':
      return 'interrupted';
  }
}
