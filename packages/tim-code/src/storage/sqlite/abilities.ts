import type Database from 'better-sqlite3';
import { callColumnsToCall, callColumnsToOutcome, SELECT_CALLS, type CallColumns } from '../ability-columns';
import { planAbilityCall, planAbilityOutcome, planTimeout, type SpaceCounters } from '../ability-rules';
import {
  resultColumn,
  toAbilityCallUpdate,
  toAbilityOutcomeUpdate,
  type StoredAbilityCall,
  type StoredAbilityOutcome,
} from '../ability-updates';
import type {
  AbilityCallRecord,
  AbilityCallResult,
  AbilityOutcomeResult,
  AbilityOutcomeUpdate,
  AbilityStorage,
  NewAbilityCall,
  NewAbilityOutcome,
} from '../storage';
import { toTimite } from './rows';
import type { SpaceCountersRow, Statements } from './statements';

interface AbilityStatements {
  insertCall: Database.Statement<{
    spaceId: string;
    updateId: number;
    callerId: number;
    targetId: number;
    ability: string;
    arguments: string;
    deadline: number;
    createdAt: number;
  }>;
  callById: Database.Statement<[string, number], CallColumns>;
  insertOutcome: Database.Statement<{
    spaceId: string;
    updateId: number;
    callId: number;
    targetId: number;
    status: string;
    result: string | null;
    error: string | null;
    createdAt: number;
  }>;
  setOutcome: Database.Statement<{ spaceId: string; callId: number; outcomeId: number }>;
  dueCalls: Database.Statement<{ now: number; limit: number }, { space_id: string; update_id: number }>;
}

function prepareAbilityStatements(db: Database.Database): AbilityStatements {
  const prepare = <S>(source: string): S => db.prepare(source) as S;
  return {
    insertCall: prepare(
      `INSERT INTO ability_calls (space_id, update_id, caller_id, target_id, ability, arguments, deadline, created_at)
       VALUES (@spaceId, @updateId, @callerId, @targetId, @ability, @arguments, @deadline, @createdAt)`,
    ),
    callById: prepare(`${SELECT_CALLS} WHERE c.space_id = ? AND c.update_id = ?`),
    insertOutcome: prepare(
      `INSERT INTO ability_outcomes (space_id, update_id, call_id, target_id, status, result, error, created_at)
       VALUES (@spaceId, @updateId, @callId, @targetId, @status, @result, @error, @createdAt)`,
    ),
    setOutcome: prepare(
      `UPDATE ability_calls SET outcome_id = @outcomeId
       WHERE space_id = @spaceId AND update_id = @callId AND outcome_id IS NULL`,
    ),
    // The partial index ability_calls_by_deadline holds exactly the waiting calls.
    dueCalls: prepare(
      `SELECT space_id, update_id FROM ability_calls
       WHERE outcome_id IS NULL AND deadline <= @now ORDER BY deadline LIMIT @limit`,
    ),
  };
}

function countersOf(row: SpaceCountersRow | undefined): SpaceCounters | undefined {
  return row === undefined ? undefined : { headId: row.head_id, agentStreak: row.agent_streak };
}

/**
 * Calls and outcomes on the schema of migration step 6. Each append runs in one IMMEDIATE
 * transaction, like a message's: it takes the write lock before it reads, so of racing answers
 * and timeout sweeps (on any connection to the file) the first to commit writes the outcome
 * and the others read it.
 */
export function createSqliteAbilities(db: Database.Database, sql: Statements): AbilityStorage {
  const own = prepareAbilityStatements(db);

  /** Writes the outcome as the space's next update and links its call to it. */
  function insertOutcome(outcome: StoredAbilityOutcome, agentStreak: number): AbilityOutcomeUpdate {
    own.insertOutcome.run({
      spaceId: outcome.spaceId,
      updateId: outcome.updateId,
      callId: outcome.callId,
      targetId: outcome.target.id,
      status: outcome.status,
      result: resultColumn(outcome.result),
      error: outcome.error ?? null,
      createdAt: outcome.createdAt.getTime(),
    });
    const linked = own.setOutcome.run({
      spaceId: outcome.spaceId,
      callId: outcome.callId,
      outcomeId: outcome.updateId,
    });
    // The transaction read the call without an outcome while holding the write lock.
    if (linked.changes !== 1) throw new Error(`Call ${outcome.callId} of ${outcome.spaceId} has an outcome already.`);
    sql.advanceSpace.run({ id: outcome.spaceId, headId: outcome.updateId, agentStreak });
    return toAbilityOutcomeUpdate(outcome);
  }

  const appendCall = db.transaction((input: NewAbilityCall): AbilityCallResult => {
    const caller = sql.timiteById.get(input.callerId);
    const target = sql.timiteById.get(input.targetId);
    const plan = planAbilityCall(input, {
      space: countersOf(sql.spaceCounters.get(input.spaceId)),
      caller: caller === undefined ? undefined : toTimite(caller),
      target: target === undefined ? undefined : toTimite(target),
    });
    if (plan.action === 'answer') return plan.result;
    const stored: StoredAbilityCall = {
      spaceId: input.spaceId,
      updateId: plan.updateId,
      caller: plan.caller,
      target: plan.target,
      ability: input.ability,
      arguments: input.arguments,
      createdAt: input.createdAt,
      deadline: input.deadline,
    };
    own.insertCall.run({
      spaceId: input.spaceId,
      updateId: plan.updateId,
      callerId: plan.caller.id,
      targetId: plan.target.id,
      ability: input.ability,
      arguments: JSON.stringify(input.arguments),
      deadline: input.deadline.getTime(),
      createdAt: input.createdAt.getTime(),
    });
    sql.advanceSpace.run({ id: input.spaceId, headId: plan.updateId, agentStreak: plan.agentStreak });
    return { outcome: 'created', update: toAbilityCallUpdate(stored) };
  });

  const appendOutcome = db.transaction((input: NewAbilityOutcome): AbilityOutcomeResult => {
    const row = own.callById.get(input.spaceId, input.callId);
    const existing = row === undefined ? undefined : callColumnsToOutcome(row);
    const plan = planAbilityOutcome(input, {
      space: countersOf(sql.spaceCounters.get(input.spaceId)),
      call: row === undefined ? undefined : callColumnsToCall(row),
      existing: existing === undefined ? undefined : toAbilityOutcomeUpdate(existing),
    });
    if (plan.action === 'answer') return plan.result;
    const update = insertOutcome(
      {
        spaceId: input.spaceId,
        updateId: plan.updateId,
        callId: input.callId,
        target: plan.target,
        status: input.status,
        ...(input.status === 'ok' ? { result: input.result } : { error: input.error }),
        createdAt: input.createdAt,
      },
      plan.agentStreak,
    );
    return { outcome: 'created', update };
  });

  const recordTimeouts = db.transaction((now: Date, limit: number): AbilityOutcomeUpdate[] => {
    const recorded: AbilityOutcomeUpdate[] = [];
    for (const due of own.dueCalls.all({ now: now.getTime(), limit })) {
      const row = own.callById.get(due.space_id, due.update_id);
      const space = countersOf(sql.spaceCounters.get(due.space_id));
      if (row === undefined || space === undefined) continue;
      const call = callColumnsToCall(row);
      const plan = planTimeout(space, call.target);
      recorded.push(
        insertOutcome(
          {
            spaceId: call.spaceId,
            updateId: plan.updateId,
            callId: call.updateId,
            target: call.target,
            status: 'timed_out',
            createdAt: now,
          },
          plan.agentStreak,
        ),
      );
    }
    return recorded;
  });

  return {
    async appendAbilityCall(input) {
      return appendCall.immediate(input);
    },

    async appendAbilityOutcome(input) {
      return appendOutcome.immediate(input);
    },

    async recordTimeouts(now, limit) {
      return recordTimeouts.immediate(now, limit);
    },

    async getCall(spaceId, callId): Promise<AbilityCallRecord | undefined> {
      const row = own.callById.get(spaceId, callId);
      if (row === undefined) return undefined;
      const outcome = callColumnsToOutcome(row);
      const call = toAbilityCallUpdate(callColumnsToCall(row));
      return outcome === undefined ? { call } : { call, outcome: toAbilityOutcomeUpdate(outcome) };
    },
  };
}
