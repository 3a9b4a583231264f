import type { AbilityCallEvent, AbilityOutcomeEvent, Update } from '@tim/protocol';
import type { ActorKind } from '../reply-policy/agent-chain';

export type AbilityEvent = AbilityCallEvent | AbilityOutcomeEvent;

/** The ability call or outcome an update records; undefined for any other update. */
export function abilityEventOf(update: Update): AbilityEvent | undefined {
  const { event } = update;
  return event.type === 'ability_call' || event.type === 'ability_outcome' ? event : undefined;
}

/**
 * Who took a turn with this call or outcome: the caller, or the target that answered. A
 * timeout the server recorded is nobody's turn.
 */
export function actorOf(event: AbilityEvent): ActorKind | undefined {
  if (event.type === 'ability_call') return event.caller.kind;
  return event.status === 'timed_out' ? undefined : event.target.kind;
}
