import { TimClientError, type AbilityCallEvent, type TimClient } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import type { CallOutcomes } from './call-outcomes';
import type { McpToolbox } from './mcp-toolbox';

/**
 * Answers the calls of this agent's abilities: runs the MCP tool behind each and posts the
 * outcome, once. A call replayed after a reconnect waits until the replay ended, and is
 * answered only when the replay held no outcome for it and its deadline has not passed.
 */
export interface CallAnswers {
  /** A call targeting this agent; `isReplay` while the subscription replays what was missed. */
  onCall(spaceId: string, call: AbilityCallEvent, options: { isReplay: boolean }): void;
  /** The replay of a space reached its end: the calls it brought are answered now. */
  replayEnded(spaceId: string): void;
  /** Resolves once every answer under way was posted or failed. */
  settled(): Promise<void>;
}

export interface CallAnswersOptions {
  client: TimClient;
  toolbox: McpToolbox;
  outcomes: CallOutcomes;
  now: () => number;
  /** Aborted when the agent stops: running tools are cancelled, nothing more is answered. */
  signal: AbortSignal;
  log: Logger;
}

export function createCallAnswers(options: CallAnswersOptions): CallAnswers {
  const { client, toolbox, outcomes, signal, log } = options;
  const deferred = new Map<string, AbilityCallEvent[]>();
  const running = new Set<Promise<void>>();

  async function answer(spaceId: string, call: AbilityCallEvent): Promise<void> {
    const context = { spaceId, callId: call.callId, ability: call.ability, caller: call.caller.id };
    if (outcomes.has(spaceId, call.callId) || Date.parse(call.deadline) <= options.now()) {
      log.debug('call not answered: it has an outcome or its deadline passed', context);
      return;
    }
    const outcome = await toolbox.call(call.ability, call.arguments, signal);
    if (signal.aborted) return;
    try {
      await client.answerCall(spaceId, call.callId, outcome);
      log.info('call answered', { ...context, ok: 'result' in outcome });
    } catch (err) {
      // Answered already, or timed out meanwhile: the outcome in the timeline stands.
      const isSettled = err instanceof TimClientError && err.code === 'conflict';
      log.log(isSettled ? 'debug' : 'warn', 'call outcome not posted', { ...context, ...describeError(err) });
    }
  }

  function start(spaceId: string, call: AbilityCallEvent): void {
    const work = answer(spaceId, call).finally(() => running.delete(work));
    running.add(work);
  }

  return {
    onCall(spaceId, call, { isReplay }) {
      if (signal.aborted) return;
      if (!isReplay) return start(spaceId, call);
      deferred.set(spaceId, [...(deferred.get(spaceId) ?? []), call]);
    },
    replayEnded(spaceId) {
      const calls = deferred.get(spaceId) ?? [];
      deferred.delete(spaceId);
      for (const call of calls) start(spaceId, call);
    },
    async settled() {
      await Promise.allSettled([...running]);
    },
  };
}
