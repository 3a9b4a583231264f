import type { Update } from '@tim/protocol';
import { KnownMessages } from './reply-policy/agent-chain';
import type { ServerBackoffCode } from './reply-policy/reply-policy';

/** What the runner tracks for one space it has joined. */
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
  serverBackoff: { untilMs: number; code: ServerBackoffCode } | undefined;
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
    serverBackoff: undefined,
  };
}

/** Nothing to do: joined, no turn running or waiting, and every update up to `updateId` handled. */
export function isSettled(space: SpaceState, updateId: number, isJoined: boolean): boolean {
  return isJoined && space.turns === undefined && space.pending.length === 0 && space.seenThroughId >= updateId;
}
