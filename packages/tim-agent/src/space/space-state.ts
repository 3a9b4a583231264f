import { messageOf, type Update } from '@tim/protocol';
import type { Logger } from '../logger';
import { KnownMessages } from '../reply-policy/agent-chain';
import type { ServerBackoffCode } from '../reply-policy/reply-policy';
import { MessageChanges } from './message-changes';
import { RepliedMessages } from './replied-messages';

/** What an agent tracks for one space it has joined. */
export interface SpaceState {
  spaceId: string;
  /** The newest id when the agent last (re)subscribed; undefined before the first 'subscribed'. */
  liveAfterId: number | undefined;
  known: KnownMessages;
  /** The edits and deletes heard live, applied to whatever the agent reads from the server. */
  changes: MessageChanges;
  /** Replied-to messages older than the history window, read one by one. */
  replied: RepliedMessages;
  /** The newest update id delivered by the subscription. */
  seenThroughId: number;
  /** Updates that deserve a reply and wait for the next turn (folded while one runs). */
  pending: Update[];
  /** The running loop of turns, if any. */
  turns: Promise<void> | undefined;
  /** History loaded and opening message posted; turns wait for it. */
  joined: Promise<void> | undefined;
  /** Whether `joined` has settled. */
  isJoined: boolean;
  serverBackoff: { untilMs: number; code: ServerBackoffCode } | undefined;
  /** After a resubscribe: the updates the replay brings, missed while reconnecting, until it reached `throughId`. */
  awaitedReplay: { afterId: number; throughId: number } | undefined;
}

export function createSpaceState(spaceId: string): SpaceState {
  return {
    spaceId,
    liveAfterId: undefined,
    known: new KnownMessages(),
    changes: new MessageChanges(),
    replied: new RepliedMessages(),
    seenThroughId: 0,
    pending: [],
    turns: undefined,
    joined: undefined,
    isJoined: false,
    serverBackoff: undefined,
    awaitedReplay: undefined,
  };
}

/**
 * Learns an edit, delete or reaction heard live: what the agent keeps of the message shows it
 * from now on. Such an update is never a turn and never asks for an answer.
 */
export function learnChange(space: SpaceState, update: Update): void {
  space.known.apply(update);
  space.changes.record(update);
  space.replied.apply(update);
}

/** Whether the message an update added was deleted since, as far as the agent heard. */
export function isDeletedSince(space: SpaceState, update: Update): boolean {
  const message = messageOf(update);
  if (message === undefined) return false;
  return space.changes.isDeleted(message.id) || space.known.messageAt(update.id)?.deletedAt !== undefined;
}

/**
 * Logs `caught up` at debug when the space has nothing to do: joined, no turn running or
 * waiting. Every update up to `throughUpdateId` is handled; only a newer one can start a turn.
 * Called after every change that can end work, so the line marks each moment the agent is idle.
 */
export function logIfCaughtUp(log: Logger, space: SpaceState): void {
  if (!space.isJoined || space.turns !== undefined || space.pending.length > 0) return;
  log.debug('caught up', { spaceId: space.spaceId, throughUpdateId: space.seenThroughId });
}
