import type { Timite, Update } from '@tim/protocol';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import {
  decide,
  noticeLimit,
  type ReplyDecision,
  type ReplyState,
  type SkipReason,
} from '../reply-policy/reply-policy';
import type { SpaceState } from '../space/space-state';
import type { Budgets } from './budgets';

/**
 * Applies the reply policy to one agent's spaces, with its budgets, and logs what it decided:
 * every decision at debug (`update judged`), a limit once at warn until a turn runs again.
 */
export interface ReplyJudge {
  /** Judges an update as it arrives: reply, fold into the running turn, or skip. */
  judgeArrival(space: SpaceState, self: Timite, update: Update): ReplyDecision;
  /** Judges an update that arrived while the agent was offline as if it had been live. */
  judgeMissed(space: SpaceState, self: Timite, update: Update): ReplyDecision;
  /**
   * Judges the waiting triggers again as their turn starts: the agent's own replies, new
   * limits and backoffs count now. The history check was made when each arrived.
   */
  shouldReplyNow(space: SpaceState, self: Timite, triggers: readonly Update[]): boolean;
}

export interface ReplyJudgeOptions {
  persona: Pick<Persona, 'replyPolicy' | 'limits'>;
  budgets: Budgets;
  now: () => number;
  log: Logger;
}

export function createReplyJudge({ persona, budgets, now, log }: ReplyJudgeOptions): ReplyJudge {
  let lastAnnouncedLimit: SkipReason | undefined;

  const replyState = (space: SpaceState, self: Timite, overrides: Partial<ReplyState> = {}): ReplyState => ({
    selfId: self.id,
    policy: persona.replyPolicy,
    limits: persona.limits,
    liveAfterId: space.liveAfterId ?? 0,
    agentChain: space.known.agentChain(),
    newestHumanUpdateId: space.known.newestHumanId(),
    turnStartsMs: budgets.turnStartsMs(),
    tokensUsedToday: budgets.tokensUsedToday(),
    isGenerating: space.turns !== undefined,
    serverBackoff: space.serverBackoff,
    nowMs: now(),
    ...overrides,
  });

  const note = (decision: ReplyDecision, context: Record<string, unknown>): void => {
    const notice = noticeLimit(lastAnnouncedLimit, decision);
    lastAnnouncedLimit = notice.lastAnnounced;
    if (notice.shouldLog && decision.action === 'skip') {
      log.warn('limit reached: staying silent until it lifts', { reason: decision.reason, ...context });
    }
  };

  const judgeOne = (what: string, state: ReplyState, space: SpaceState, update: Update): ReplyDecision => {
    const decision = decide(state, update);
    const context = { spaceId: space.spaceId, updateId: update.id };
    note(decision, context);
    log.debug(what, { ...context, ...decision });
    return decision;
  };

  return {
    judgeArrival(space, self, update) {
      return judgeOne('update judged', replyState(space, self), space, update);
    },
    judgeMissed(space, self, update) {
      const state = replyState(space, self, { liveAfterId: 0, isGenerating: false });
      return judgeOne('missed update judged', state, space, update);
    },
    shouldReplyNow(space, self, triggers) {
      const state = replyState(space, self, { isGenerating: false, liveAfterId: 0 });
      const decisions = triggers.map((update) => decide(state, update));
      const updateIds = triggers.map((update) => update.id);
      const reply = decisions.find((decision) => decision.action === 'reply');
      if (reply !== undefined) {
        note(reply, {});
        return true;
      }
      for (const decision of decisions) note(decision, { spaceId: space.spaceId, updateIds });
      log.debug('turn not taken', { spaceId: space.spaceId, updateIds, decisions });
      return false;
    },
  };
}
