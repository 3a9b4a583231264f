import type { Update } from '@tim/protocol';
import type { Logger } from '../logger';
import { KnownMessages } from '../reply-policy/agent-chain';
import type { ServerBackoffCode } from '../reply-policy/reply-policy';

/** What an agent tracks for one space it has joined. */
export interface SpaceState {
  spaceId: string;
  /** The newest id when the agent last (re)subscribed; undefined before the first 'subscribed'. */
  liveAfterId: number | undefined;
  known: KnownMessages;
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
 * Logs `caught up` at debug when the space has nothing to do: joined, no turn running or
 * waiting. Every update up to `throughUpdateId` is handled; only a newer one can start a turn.
 * Called after every change that can end work, so the line marks each moment the agent is idle.
 */
export function logIfCaughtUp(log: Logger, space: SpaceState): void {
  if (!space.isJoined || space.turns !== undefined || space.pending.length > 0) return;
  log.debug('caught up', { spaceId: space.spaceId, throughUpdateId: space.seenThroughId });
}
