import { TimClientError, type AbilityOutcomeEvent, type JsonValue, type TimClient } from '@tim/protocol';
import type { CallOutcomes } from './call-outcomes';
import type { ToolTarget } from './space-tools';

/** Makes the model's tool calls in the open: each is a call in the space's timeline, and so is its outcome. */
export interface AbilityCaller {
  /**
   * Calls the ability and waits for its outcome; resolves with what the model is told (the
   * result, or an error sentence). `refusedCode` is the server's refusal code, when it refused.
   */
  call(
    spaceId: string,
    target: ToolTarget,
    args: Record<string, JsonValue>,
    signal: AbortSignal,
  ): Promise<{ content: string; refusedCode?: string }>;
}

export interface AbilityCallerOptions {
  client: TimClient;
  outcomes: CallOutcomes;
  /** The call's timeout the server records a `timed_out` outcome after, in ms. */
  timeoutMs: number;
}

/** How long past the call's timeout the agent waits for the server's `timed_out` outcome, in ms. */
const OUTCOME_GRACE_MS = 5000;

export function createAbilityCaller({ client, outcomes, timeoutMs }: AbilityCallerOptions): AbilityCaller {
  return {
    async call(spaceId, target, args, signal) {
      let callId: number;
      try {
        const made = await client.callAbility(spaceId, {
          target: target.timiteId,
          ability: target.ability,
          arguments: args,
          timeoutMs,
        });
        callId = made.call.callId;
      } catch (err) {
        if (!(err instanceof TimClientError)) throw err;
        return { content: `Error: the call was refused (${err.code}): ${err.message}`, refusedCode: err.code };
      }
      const outcome = await outcomes.wait(spaceId, callId, { timeoutMs: timeoutMs + OUTCOME_GRACE_MS, signal });
      return { content: describeOutcome(outcome) };
    },
  };
}

/** What the model reads as a tool's answer. */
export function describeOutcome(outcome: AbilityOutcomeEvent | undefined): string {
  if (outcome === undefined || outcome.status === 'timed_out') return 'Error: the call timed out without an answer.';
  if (outcome.status === 'error') return `Error: ${outcome.error ?? 'the call failed.'}`;
  const result = outcome.result;
  return typeof result === 'string' ? result : JSON.stringify(result ?? null);
}
