import type { Timite } from '@tim/protocol';
import type { Logger } from '../logger';
import type { ReplyJudge } from '../turns/reply-judge';
import type { TurnScheduler } from '../turns/turn-scheduler';
import { findMissed } from './missed-messages';
import type { SpaceState } from './space-state';

/**
 * Answers, once, the messages that arrived while the agent was not running or was
 * reconnecting, when the reply policy would have answered them and they are recent.
 */
export interface CatchUp {
  /** At the first subscribe, once the history is loaded: what it holds up to `headId` was missed. */
  answerHistory(space: SpaceState, headId: number): void;
  /** At a resubscribe: the updates the replay brings, up to `headId`, were missed. */
  expectReplay(space: SpaceState, headId: number): void;
  /** After every delivered update: answers what the replay brought once it reached its end. */
  onDelivered(space: SpaceState): void;
}

export interface CatchUpOptions {
  /** How old a missed message may be and still be answered, in ms; 0 answers none. */
  windowMs: number;
  judge: ReplyJudge;
  scheduler: TurnScheduler;
  self: () => Timite | undefined;
  now: () => number;
  log: Logger;
}

export function createCatchUp(options: CatchUpOptions): CatchUp {
  const { judge, scheduler, log } = options;

  function answerMissed(space: SpaceState, afterId: number, throughId: number): void {
    const self = options.self();
    if (self === undefined || options.windowMs <= 0 || throughId <= afterId) return;
    const missed = findMissed(space.known, {
      afterId,
      throughId,
      selfId: self.id,
      notBeforeMs: options.now() - options.windowMs,
    });
    const answering = missed.filter((update) => judge.judgeMissed(space, self, update).action === 'reply');
    if (answering.length === 0) return;
    log.info('answering messages missed while offline', {
      spaceId: space.spaceId,
      updateIds: answering.map((update) => update.id),
    });
    for (const update of answering) scheduler.enqueue(space, update);
  }

  return {
    answerHistory(space, headId) {
      answerMissed(space, 0, headId);
    },
    expectReplay(space, headId) {
      space.awaitedReplay = { afterId: space.seenThroughId, throughId: headId };
      this.onDelivered(space);
    },
    onDelivered(space) {
      const replay = space.awaitedReplay;
      if (replay === undefined || space.seenThroughId < replay.throughId) return;
      space.awaitedReplay = undefined;
      answerMissed(space, replay.afterId, replay.throughId);
    },
  };
}
