import { AbilityOutcomeStatus, TimiteKind } from '@tim/protocol';
import { z } from 'zod';
import {
  parseArgumentsColumn,
  parseResultColumn,
  type StoredAbilityCall,
  type StoredAbilityEntry,
  type StoredAbilityOutcome,
} from './ability-updates';

/**
 * How both SQL backends select a call with its caller and target and its outcome's columns
 * (NULL while it waits): same tables, same names. Append a WHERE clause.
 */
export const SELECT_CALLS = `
  SELECT c.space_id, c.update_id, c.ability, c.arguments, c.deadline, c.created_at, c.outcome_id,
         ca.id AS caller_id, ca.nick AS caller_nick, ca.kind AS caller_kind,
         ta.id AS target_id, ta.nick AS target_nick, ta.kind AS target_kind,
         o.status AS outcome_status, o.result AS outcome_result, o.error AS outcome_error,
         o.created_at AS outcome_created_at
  FROM ability_calls c
  JOIN timites ca ON ca.id = c.caller_id
  JOIN timites ta ON ta.id = c.target_id
  LEFT JOIN ability_outcomes o ON o.space_id = c.space_id AND o.update_id = c.outcome_id`;

/** One row of SELECT_CALLS, once a backend has decoded its column types (bigints as numbers). */
export interface CallColumns {
  space_id: string;
  update_id: number;
  ability: string;
  /** A JSON object. */
  arguments: string;
  deadline: number;
  created_at: number;
  outcome_id: number | null;
  caller_id: number;
  caller_nick: string;
  caller_kind: string;
  target_id: number;
  target_nick: string;
  target_kind: string;
  outcome_status: string | null;
  /** JSON text of an ok result; NULL for none. */
  outcome_result: string | null;
  outcome_error: string | null;
  outcome_created_at: number | null;
}

export function callColumnsToCall(row: CallColumns): StoredAbilityCall {
  return {
    spaceId: row.space_id,
    updateId: row.update_id,
    caller: { id: row.caller_id, nick: row.caller_nick, kind: TimiteKind.parse(row.caller_kind) },
    target: { id: row.target_id, nick: row.target_nick, kind: TimiteKind.parse(row.target_kind) },
    ability: row.ability,
    arguments: parseArgumentsColumn(row.arguments),
    createdAt: new Date(row.created_at),
    deadline: new Date(row.deadline),
  };
}

/** The call's outcome, undefined while it waits for one. Its author is the call's target. */
export function callColumnsToOutcome(row: CallColumns): StoredAbilityOutcome | undefined {
  if (row.outcome_id === null || row.outcome_status === null || row.outcome_created_at === null) return undefined;
  return {
    spaceId: row.space_id,
    updateId: row.outcome_id,
    callId: row.update_id,
    target: { id: row.target_id, nick: row.target_nick, kind: TimiteKind.parse(row.target_kind) },
    status: AbilityOutcomeStatus.parse(row.outcome_status),
    result: parseResultColumn(row.outcome_result),
    error: row.outcome_error ?? undefined,
    createdAt: new Date(row.outcome_created_at),
  };
}

/**
 * A call or an outcome as both SQL backends select it into a space's timeline, next to
 * messages and changes: its author (the caller; the target) in the sender columns, the rest
 * packed in `data` as JSON (PackedCall, PackedOutcome). See each backend's timeline SQL.
 */
export interface AbilityTimelineColumns {
  kind: 'ability_call' | 'ability_outcome';
  update_id: number;
  created_at: number;
  sender_id: number;
  sender_nick: string;
  sender_kind: string;
  data: string;
}

/** `data` of a call in the timeline: the target as [id, nick, kind], arguments as JSON text. */
const PackedCall = z.object({
  target: z.tuple([z.number().int(), z.string(), TimiteKind]),
  ability: z.string(),
  arguments: z.string(),
  deadline: z.number().int(),
});

/** `data` of an outcome in the timeline: result as JSON text (NULL for none). */
const PackedOutcome = z.object({
  callId: z.number().int(),
  status: AbilityOutcomeStatus,
  result: z.string().nullable(),
  error: z.string().nullable(),
});

export function abilityTimelineEntry(spaceId: string, row: AbilityTimelineColumns): StoredAbilityEntry {
  const author = { id: row.sender_id, nick: row.sender_nick, kind: TimiteKind.parse(row.sender_kind) };
  const data: unknown = JSON.parse(row.data);
  if (row.kind === 'ability_call') {
    const call = PackedCall.parse(data);
    const [id, nick, kind] = call.target;
    return {
      kind: 'ability_call',
      call: {
        spaceId,
        updateId: row.update_id,
        caller: author,
        target: { id, nick, kind },
        ability: call.ability,
        arguments: parseArgumentsColumn(call.arguments),
        createdAt: new Date(row.created_at),
        deadline: new Date(call.deadline),
      },
    };
  }
  const outcome = PackedOutcome.parse(data);
  return {
    kind: 'ability_outcome',
    outcome: {
      spaceId,
      updateId: row.update_id,
      callId: outcome.callId,
      target: author,
      status: outcome.status,
      result: parseResultColumn(outcome.result),
      error: outcome.error ?? undefined,
      createdAt: new Date(row.created_at),
    },
  };
}
