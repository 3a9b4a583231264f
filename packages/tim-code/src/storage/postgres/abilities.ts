import { TimiteKind } from '@tim/protocol';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { callColumnsToCall, callColumnsToOutcome, SELECT_CALLS, type CallColumns } from '../ability-columns';
import { planAbilityCall, planAbilityOutcome, planTimeout, type SpaceCounters } from '../ability-rules';
import {
  resultColumn,
  toAbilityCallUpdate,
  toAbilityOutcomeUpdate,
  type StoredAbilityCall,
  type StoredAbilityOutcome,
} from '../ability-updates';
import type { AbilityOutcomeUpdate, AbilityStorage } from '../storage';
import type { Queries } from './queries';
import { BigintNumber, SpaceCountersRow, TimiteRow, toTimite } from './rows';

/** A row of SELECT_CALLS as node-postgres returns it. */
const CallRow = z.object({
  space_id: z.string(),
  update_id: z.number().int(),
  ability: z.string(),
  arguments: z.string(),
  deadline: BigintNumber,
  created_at: BigintNumber,
  outcome_id: z.number().int().nullable(),
  caller_id: z.number().int(),
  caller_nick: z.string(),
  caller_kind: TimiteKind,
  target_id: z.number().int(),
  target_nick: z.string(),
  target_kind: TimiteKind,
  outcome_status: z.string().nullable(),
  outcome_result: z.string().nullable(),
  outcome_error: z.string().nullable(),
  outcome_created_at: BigintNumber.nullable(),
}) satisfies z.ZodType<CallColumns>;

const CallStateRow = SpaceCountersRow.extend({ caller: TimiteRow.nullable(), target: TimiteRow.nullable() });

const DueCallRow = z.object({ space_id: z.string(), update_id: z.number().int() });

/** $1 space, $2 caller, $3 target. Locks the space's row, as an append does; no row when the space does not exist. */
const CALL_STATE = `
  SELECT s.head_id, s.agent_streak, row_to_json(c) AS caller, row_to_json(t) AS target
  FROM spaces s
  LEFT JOIN (SELECT id, nick, kind, password_hash, revoked FROM timites) c ON c.id = $2
  LEFT JOIN (SELECT id, nick, kind, password_hash, revoked FROM timites) t ON t.id = $3
  WHERE s.id = $1
  FOR UPDATE OF s`;

/** $1 space, $2 update id, $3 caller, $4 target, $5 ability, $6 arguments, $7 deadline, $8 time, $9 agent streak. */
const INSERT_CALL = `
  WITH call AS (
    INSERT INTO ability_calls (space_id, update_id, caller_id, target_id, ability, arguments, deadline, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
  UPDATE spaces SET head_id = $2, agent_streak = $9 WHERE id = $1`;

/** $1 space. Every append in a space takes its row first, so ids stay gapless and one outcome wins. */
const LOCK_SPACE = 'SELECT head_id, agent_streak FROM spaces WHERE id = $1 FOR UPDATE';

/** $1 space, $2 call id. */
const CALL_BY_ID = `${SELECT_CALLS} WHERE c.space_id = $1 AND c.update_id = $2`;

/**
 * $1 space, $2 update id, $3 call, $4 target, $5 status, $6 result, $7 error, $8 time,
 * $9 agent streak: the outcome, its call linked to it, and the new head.
 */
const INSERT_OUTCOME = `
  WITH outcome AS (
    INSERT INTO ability_outcomes (space_id, update_id, call_id, target_id, status, result, error, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)),
  linked AS (UPDATE ability_calls SET outcome_id = $2 WHERE space_id = $1 AND update_id = $3)
  UPDATE spaces SET head_id = $2, agent_streak = $9 WHERE id = $1`;

/** $1 now, $2 limit: waiting calls past their deadline, on the partial index ability_calls_by_deadline. */
const DUE_CALLS = `
  SELECT space_id, update_id FROM ability_calls
  WHERE outcome_id IS NULL AND deadline <= $1 ORDER BY deadline LIMIT $2`;

/**
 * Calls and outcomes on the PostgreSQL schema of step 6. Every append locks its space's row
 * first (like a message's) and reads the call in a statement after the lock, so an answer
 * and a timeout sweep in any process are ordered: the second sees the first's outcome. The
 * unique index ability_outcomes_by_call holds the same even if that were ever missed.
 */
export function createPostgresAbilities(db: Queries): AbilityStorage {
  function countersOf(row: z.infer<typeof SpaceCountersRow>): SpaceCounters {
    return { headId: row.head_id, agentStreak: row.agent_streak };
  }

  async function insertOutcome(
    client: PoolClient,
    outcome: StoredAbilityOutcome,
    agentStreak: number,
  ): Promise<AbilityOutcomeUpdate> {
    await client.query({
      name: 'tim-ability-outcome-insert',
      text: INSERT_OUTCOME,
      values: [
        outcome.spaceId,
        outcome.updateId,
        outcome.callId,
        outcome.target.id,
        outcome.status,
        resultColumn(outcome.result),
        outcome.error ?? null,
        outcome.createdAt.getTime(),
        agentStreak,
      ],
    });
    return toAbilityOutcomeUpdate(outcome);
  }

  /** Records the timeout of one call unless it has an outcome by the time its space is locked. */
  function timeOut(spaceId: string, callId: number, now: Date): Promise<AbilityOutcomeUpdate | undefined> {
    return db.inTransaction(async (client) => {
      const space = await db.first(SpaceCountersRow, LOCK_SPACE, [spaceId], client);
      const row = await db.first(CallRow, CALL_BY_ID, [spaceId, callId], client);
      if (space === undefined || row === undefined || row.outcome_id !== null) return undefined;
      const call = callColumnsToCall(row);
      const plan = planTimeout(countersOf(space), call.target);
      const outcome: StoredAbilityOutcome = {
        spaceId,
        updateId: plan.updateId,
        callId,
        target: call.target,
        status: 'timed_out',
        createdAt: now,
      };
      return insertOutcome(client, outcome, plan.agentStreak);
    });
  }

  return {
    async appendAbilityCall(input) {
      return db.inTransaction(async (client) => {
        const state = await db.first(CallStateRow, CALL_STATE, [input.spaceId, input.callerId, input.targetId], client);
        if (state === undefined) return { outcome: 'space_not_found' };
        const plan = planAbilityCall(input, {
          space: countersOf(state),
          caller: state.caller === null ? undefined : toTimite(state.caller),
          target: state.target === null ? undefined : toTimite(state.target),
        });
        if (plan.action === 'answer') return plan.result;
        await client.query({
          name: 'tim-ability-call-insert',
          text: INSERT_CALL,
          values: [
            input.spaceId,
            plan.updateId,
            plan.caller.id,
            plan.target.id,
            input.ability,
            JSON.stringify(input.arguments),
            input.deadline.getTime(),
            input.createdAt.getTime(),
            plan.agentStreak,
          ],
        });
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
        return { outcome: 'created', update: toAbilityCallUpdate(stored) };
      });
    },

    async appendAbilityOutcome(input) {
      return db.inTransaction(async (client) => {
        const space = await db.first(SpaceCountersRow, LOCK_SPACE, [input.spaceId], client);
        const row =
          space === undefined ? undefined : await db.first(CallRow, CALL_BY_ID, [input.spaceId, input.callId], client);
        const existing = row === undefined ? undefined : callColumnsToOutcome(row);
        const plan = planAbilityOutcome(input, {
          space: space === undefined ? undefined : countersOf(space),
          call: row === undefined ? undefined : callColumnsToCall(row),
          existing: existing === undefined ? undefined : toAbilityOutcomeUpdate(existing),
        });
        if (plan.action === 'answer') return plan.result;
        const outcome: StoredAbilityOutcome = {
          spaceId: input.spaceId,
          updateId: plan.updateId,
          callId: input.callId,
          target: plan.target,
          status: input.status,
          ...(input.status === 'ok' ? { result: input.result } : { error: input.error }),
          createdAt: input.createdAt,
        };
        return { outcome: 'created', update: await insertOutcome(client, outcome, plan.agentStreak) };
      });
    },

    async recordTimeouts(now, limit) {
      // One transaction per call, each holding only its own space: a sweep never waits on two
      // spaces at once, so it cannot deadlock with appends or with another process's sweep.
      const due = await db.rows(DueCallRow, DUE_CALLS, [now.getTime(), limit]);
      const recorded: AbilityOutcomeUpdate[] = [];
      for (const call of due) {
        const outcome = await timeOut(call.space_id, call.update_id, now);
        if (outcome !== undefined) recorded.push(outcome);
      }
      return recorded;
    },

    async getCall(spaceId, callId) {
      const row = await db.first(CallRow, CALL_BY_ID, [spaceId, callId]);
      if (row === undefined) return undefined;
      const call = toAbilityCallUpdate(callColumnsToCall(row));
      const outcome = callColumnsToOutcome(row);
      return outcome === undefined ? { call } : { call, outcome: toAbilityOutcomeUpdate(outcome) };
    },
  };
}
