import type { Activity, TimClient, Timite } from '@tim/protocol';
import type { LlmProvider } from '../llm/llm-provider';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { createServerContentLimit } from '../server-content-limit';
import { describeError } from '../describe-error';
import type { SpaceState } from '../space/space-state';
import type { Budgets } from './budgets';
import { runTurn } from './run-turn';
import { classifyTurnFailure } from './turn-failure';

/** Takes one turn in a space: shows `thinking`, asks the LLM, posts the reply, logs the outcome. */
export interface TurnTaker {
  /** Never throws: a failure is logged, and a server refusal sets the space's backoff. */
  take(space: SpaceState, self: Timite, triggerIds: readonly number[]): Promise<void>;
}

export interface TurnTakerOptions {
  client: TimClient;
  llm: LlmProvider;
  persona: Persona;
  budgets: Budgets;
  /** Broadcasts the agent's activity in a space (dropped while disconnected). */
  sendActivity: (spaceId: string, activity: Activity) => void;
  /** Aborted when the agent stops: the LLM call ends and nothing more is posted. */
  signal: AbortSignal;
  now: () => number;
  log: Logger;
}

export function createTurnTaker(options: TurnTakerOptions): TurnTaker {
  const { client, budgets, signal, log } = options;
  const contentLimit = createServerContentLimit(client, (err) =>
    log.warn('server limits not read; using the default', describeError(err)),
  );

  return {
    async take(space, self, triggerIds) {
      const spaceId = space.spaceId;
      const context = { spaceId, answering: triggerIds };
      options.sendActivity(spaceId, 'thinking');
      try {
        const posted = await runTurn({
          client,
          llm: options.llm,
          persona: options.persona,
          self,
          spaceId,
          throughUpdateId: Math.max(space.known.newestId(), space.seenThroughId),
          maxContentChars: await contentLimit(),
          recordUsage: (usage) => budgets.recordTokens(usage.totalTokens),
          signal,
        });
        space.known.add(posted.updateId, posted.message);
        log.info('replied', { ...context, updateId: posted.updateId, tokensUsedToday: budgets.tokensUsedToday() });
      } catch (err) {
        const failure = classifyTurnFailure(err, { isStopping: signal.aborted, nowMs: options.now() });
        if (failure.serverBackoff !== undefined) space.serverBackoff = failure.serverBackoff;
        log.log(failure.level, failure.message, { ...context, ...failure.fields });
      } finally {
        options.sendActivity(spaceId, 'idle');
      }
    },
  };
}
