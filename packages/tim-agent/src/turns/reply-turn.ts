import type { TimClient, Timite } from '@tim/protocol';
import type { LlmProvider } from '../llm/llm-provider';
import type { Logger } from '../logger';
import type { Persona } from '../persona/persona-schema';
import { createServerContentLimit } from '../server-content-limit';
import { describeError } from '../describe-error';
import type { SpaceState } from '../space/space-state';
import type { Budgets } from './budgets';
import { composeReply } from './compose-reply';
import type { Thinking } from './thinking';
import { classifyTurnFailure } from './turn-failure';

/** Takes one turn in a space: asks the LLM, clears `thinking` as the reply is posted, logs the outcome. */
export interface TurnTaker {
  /** Never throws: a failure is logged, and a server refusal sets the space's backoff. */
  take(space: SpaceState, self: Timite, triggerIds: readonly number[]): Promise<void>;
}

export interface TurnTakerOptions {
  client: TimClient;
  llm: LlmProvider;
  persona: Persona;
  budgets: Budgets;
  /** Shown by the scheduler from the start of the response delay; cleared here, whatever happens. */
  thinking: Thinking;
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
      try {
        const content = await composeReply({
          client,
          llm: options.llm,
          persona: options.persona,
          self,
          spaceId,
          throughUpdateId: Math.max(space.known.newestId(), space.seenThroughId),
          triggerIds,
          maxContentChars: await contentLimit(),
          recordUsage: (usage) => budgets.recordTokens(usage.totalTokens),
          signal,
        });
        options.thinking.clear(spaceId);
        const posted = await client.sendMessage(spaceId, content);
        space.known.add(posted.updateId, posted.message);
        log.info('replied', { ...context, updateId: posted.updateId, tokensUsedToday: budgets.tokensUsedToday() });
      } catch (err) {
        const failure = classifyTurnFailure(err, { isStopping: signal.aborted, nowMs: options.now() });
        if (failure.serverBackoff !== undefined) space.serverBackoff = failure.serverBackoff;
        log.log(failure.level, failure.message, { ...context, ...failure.fields });
      } finally {
        options.thinking.clear(spaceId);
      }
    },
  };
}
