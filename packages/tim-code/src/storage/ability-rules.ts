import type { AbilityOutcomeStatus, Timite } from '@tim/protocol';
import type {
  AbilityCallResult,
  AbilityOutcomeResult,
  AbilityOutcomeUpdate,
  NewAbilityCall,
  NewAbilityOutcome,
} from './storage';

/*
 * The rules of calls and outcomes (issue 16), shared by every backend so that they cannot
 * drift apart. Each backend reads the state below inside the transaction that appends, asks
 * these rules, and writes what the plan says.
 */

/** A space's counters as an append reads them; undefined when the space does not exist. */
export interface SpaceCounters {
  headId: number;
  agentStreak: number;
}

export interface AbilityCallState {
  space: SpaceCounters | undefined;
  caller: Timite | undefined;
  target: Timite | undefined;
}

/** The call row a backend must write, and the space counters it must set with it. */
export interface AbilityCallInsert {
  action: 'insert';
  updateId: number;
  agentStreak: number;
  caller: Timite;
  target: Timite;
}

export type AbilityCallPlan = { action: 'answer'; result: AbilityCallResult } | AbilityCallInsert;

/** A call counts in the agent streak like a message of its caller. */
export function planAbilityCall(input: NewAbilityCall, state: AbilityCallState): AbilityCallPlan {
  const { space, caller, target } = state;
  // Programming errors, not outcomes: the domain only calls for timites it resolved.
  if (caller === undefined) throw new Error(`appendAbilityCall: unknown caller id ${input.callerId}`);
  if (target === undefined) throw new Error(`appendAbilityCall: unknown target id ${input.targetId}`);
  if (space === undefined) return { action: 'answer', result: { outcome: 'space_not_found' } };
  if (caller.kind === 'agent' && space.agentStreak >= input.maxAgentStreak) {
    return { action: 'answer', result: { outcome: 'agent_turn_limit' } };
  }
  return {
    action: 'insert',
    updateId: space.headId + 1,
    agentStreak: caller.kind === 'agent' ? space.agentStreak + 1 : 0,
    caller,
    target,
  };
}

/** What an answer reads: the call it names (in this space) and any outcome that call has. */
export interface AbilityOutcomeState {
  space: SpaceCounters | undefined;
  call: { target: Timite } | undefined;
  existing: AbilityOutcomeUpdate | undefined;
}

/** The outcome row a backend must write, and the space counters it must set with it. */
export interface AbilityOutcomeInsert {
  action: 'insert';
  updateId: number;
  agentStreak: number;
  target: Timite;
}

export type AbilityOutcomePlan = { action: 'answer'; result: AbilityOutcomeResult } | AbilityOutcomeInsert;

/**
 * Unknown call, then who answers, then whether it was answered: a timite who may not answer
 * learns nothing more about the call. Never refused by the streak guard.
 */
export function planAbilityOutcome(input: NewAbilityOutcome, state: AbilityOutcomeState): AbilityOutcomePlan {
  const { space, call, existing } = state;
  if (space === undefined || call === undefined) return { action: 'answer', result: { outcome: 'not_found' } };
  if (call.target.id !== input.answererId) return { action: 'answer', result: { outcome: 'forbidden' } };
  if (existing !== undefined) return { action: 'answer', result: { outcome: 'already_answered', update: existing } };
  return {
    action: 'insert',
    updateId: space.headId + 1,
    agentStreak: streakAfterOutcome(space.agentStreak, call.target, input.status),
    target: call.target,
  };
}

/** The timeout of a call without an outcome: the space's next update, the streak after it. */
export function planTimeout(space: SpaceCounters, target: Timite): { updateId: number; agentStreak: number } {
  return { updateId: space.headId + 1, agentStreak: streakAfterOutcome(space.agentStreak, target, 'timed_out') };
}

/**
 * An outcome is its target's turn: an agent's extends the streak, a human's answer ends it. A
 * human who let the call time out took no turn, so the run goes on as it was.
 */
export function streakAfterOutcome(streak: number, target: Timite, status: AbilityOutcomeStatus): number {
  if (target.kind === 'agent') return streak + 1;
  return status === 'timed_out' ? streak : 0;
}
