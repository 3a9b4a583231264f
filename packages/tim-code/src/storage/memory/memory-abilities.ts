import type { Timite } from '@tim/protocol';
import { planAbilityCall, planAbilityOutcome, planTimeout } from '../ability-rules';
import {
  toAbilityCallUpdate,
  toAbilityOutcomeUpdate,
  type StoredAbilityCall,
  type StoredAbilityOutcome,
} from '../ability-updates';
import type { AbilityOutcomeUpdate, AbilityStorage } from '../storage';
import type { MemoryState, SpaceState } from './memory-timeline';

/** A call and, once it has one, its outcome; the timeline's entries hold the same objects. */
interface CallState {
  call: StoredAbilityCall;
  outcome?: StoredAbilityOutcome;
}

/**
 * Calls and outcomes over the memory store's state. Every method body runs synchronously, so
 * an outcome and the check that the call has none are atomic: a call gets one outcome.
 */
export function createMemoryAbilities(state: MemoryState): AbilityStorage {
  const { timites, spaces, assertOpen } = state;
  /** space id → call id → the call. */
  const calls = new Map<string, Map<number, CallState>>();
  /** The calls without an outcome. */
  const waiting = new Set<CallState>();

  function counters(space: SpaceState | undefined) {
    return space === undefined ? undefined : { headId: space.entries.length, agentStreak: space.agentStreak };
  }

  function timite(id: number): Timite | undefined {
    return timites.get(id)?.timite;
  }

  function appendOutcome(space: SpaceState, found: CallState, outcome: StoredAbilityOutcome, agentStreak: number) {
    found.outcome = outcome;
    waiting.delete(found);
    space.entries.push({ kind: 'ability_outcome', outcome });
    space.agentStreak = agentStreak;
    return toAbilityOutcomeUpdate(outcome);
  }

  return {
    async appendAbilityCall(input) {
      assertOpen();
      const space = spaces.get(input.spaceId);
      const plan = planAbilityCall(input, {
        space: counters(space),
        caller: timite(input.callerId),
        target: timite(input.targetId),
      });
      if (plan.action === 'answer') return plan.result;
      if (space === undefined) throw new Error('appendAbilityCall: planned an insert into a missing space');
      const call: StoredAbilityCall = {
        spaceId: input.spaceId,
        updateId: plan.updateId,
        caller: { ...plan.caller },
        target: { ...plan.target },
        ability: input.ability,
        arguments: structuredClone(input.arguments),
        createdAt: new Date(input.createdAt),
        deadline: new Date(input.deadline),
      };
      const found: CallState = { call };
      const ofSpace = calls.get(input.spaceId) ?? new Map<number, CallState>();
      ofSpace.set(call.updateId, found);
      calls.set(input.spaceId, ofSpace);
      waiting.add(found);
      space.entries.push({ kind: 'ability_call', call });
      space.agentStreak = plan.agentStreak;
      return { outcome: 'created', update: toAbilityCallUpdate(call) };
    },

    async appendAbilityOutcome(input) {
      assertOpen();
      const space = spaces.get(input.spaceId);
      const found = calls.get(input.spaceId)?.get(input.callId);
      const plan = planAbilityOutcome(input, {
        space: counters(space),
        call: found?.call,
        existing: found?.outcome === undefined ? undefined : toAbilityOutcomeUpdate(found.outcome),
      });
      if (plan.action === 'answer') return plan.result;
      if (space === undefined || found === undefined) throw new Error('appendAbilityOutcome: planned a lost insert');
      const outcome: StoredAbilityOutcome = {
        spaceId: input.spaceId,
        updateId: plan.updateId,
        callId: input.callId,
        target: { ...plan.target },
        status: input.status,
        ...(input.status === 'ok' ? { result: structuredClone(input.result) } : { error: input.error }),
        createdAt: new Date(input.createdAt),
      };
      return { outcome: 'created', update: appendOutcome(space, found, outcome, plan.agentStreak) };
    },

    async recordTimeouts(now, limit) {
      assertOpen();
      const due = [...waiting]
        .filter((found) => found.call.deadline.getTime() <= now.getTime())
        .sort((a, b) => a.call.deadline.getTime() - b.call.deadline.getTime())
        .slice(0, limit);
      const recorded: AbilityOutcomeUpdate[] = [];
      for (const found of due) {
        const space = spaces.get(found.call.spaceId);
        if (space === undefined) continue;
        const plan = planTimeout({ headId: space.entries.length, agentStreak: space.agentStreak }, found.call.target);
        const outcome: StoredAbilityOutcome = {
          spaceId: found.call.spaceId,
          updateId: plan.updateId,
          callId: found.call.updateId,
          target: { ...found.call.target },
          status: 'timed_out',
          createdAt: new Date(now),
        };
        recorded.push(appendOutcome(space, found, outcome, plan.agentStreak));
      }
      return recorded;
    },

    async getCall(spaceId, callId) {
      assertOpen();
      const found = calls.get(spaceId)?.get(callId);
      if (found === undefined) return undefined;
      const call = toAbilityCallUpdate(found.call);
      return found.outcome === undefined ? { call } : { call, outcome: toAbilityOutcomeUpdate(found.outcome) };
    },
  };
}
