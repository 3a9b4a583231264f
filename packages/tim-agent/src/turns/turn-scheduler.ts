import { setTimeout as delay } from 'node:timers/promises';
import type { Timite, Update } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import { isDeletedSince, logIfCaughtUp, type SpaceState } from '../space/space-state';
import type { Budgets } from './budgets';
import type { ReplyJudge } from './reply-judge';
import type { TurnTaker } from './reply-turn';
import type { Thinking } from './thinking';

/**
 * Runs the turns of each space one after another: waits the response delay, takes everything
 * that arrived meanwhile (and was not deleted since) as the triggers of one turn, judges them
 * again, and takes the turn.
 */
export interface TurnScheduler {
  /** Queues an update that deserves a reply; starts the space's turns unless they run. */
  enqueue(space: SpaceState, update: Update): void;
}

export interface TurnSchedulerOptions {
  /** Wait before each turn, in ms, so that a burst of messages becomes one turn. */
  responseDelayMs: number;
  judge: ReplyJudge;
  budgets: Budgets;
  turns: TurnTaker;
  /** Shown from the start of each response delay until the turn posts, fails or is not taken. */
  thinking: Thinking;
  /** The agent as the server knows it; no turn is taken before it is known. */
  self: () => Timite | undefined;
  /** Aborted when the agent stops: the delay ends and no further turn starts. */
  signal: AbortSignal;
  log: Logger;
}

export function createTurnScheduler(options: TurnSchedulerOptions): TurnScheduler {
  const { signal, log } = options;

  /** Resolves true when the stop signal cut the wait short. */
  async function waitResponseDelay(): Promise<boolean> {
    if (options.responseDelayMs <= 0) return false;
    try {
      await delay(options.responseDelayMs, undefined, { signal });
      return false;
    } catch (err) {
      if (signal.aborted) return true;
      throw err;
    }
  }

  /** Takes turns until nothing waits; what arrives during a turn is folded into the next one. */
  async function runTurns(space: SpaceState): Promise<void> {
    await space.joined;
    while (space.pending.length > 0 && !signal.aborted) {
      options.thinking.show(space.spaceId);
      if (await waitResponseDelay()) return;
      const self = options.self();
      if (self === undefined) return;
      // A message deleted while it waited is not answered: its text is gone for everyone.
      const triggers = space.pending.splice(0).filter((update) => !isDeletedSince(space, update));
      if (!options.judge.shouldReplyNow(space, self, triggers)) {
        options.thinking.clear(space.spaceId);
        continue;
      }
      options.budgets.recordTurnStart();
      await options.turns.take(
        space,
        self,
        triggers.map((update) => update.id),
      );
    }
  }

  return {
    enqueue(space, update) {
      space.pending.push(update);
      if (space.turns !== undefined) return;
      space.turns = runTurns(space)
        .catch((err: unknown) => {
          log.error('turn loop failed', { spaceId: space.spaceId, ...describeError(err) });
        })
        .finally(() => {
          options.thinking.clear(space.spaceId);
          space.turns = undefined;
          logIfCaughtUp(log, space);
        });
    },
  };
}
