import { JsonValue, type AbilityOutcomeStatus, type SpaceId, type Timite } from '@tim/protocol';
import { z } from 'zod';
import type { AbilityCallUpdate, AbilityOutcomeUpdate, AbilityUpdate } from './storage';

/*
 * The updates that calls and outcomes are, shaped once for every backend. SQL backends keep
 * arguments and results as JSON text (a result may be JSON null, so "no result" is SQL NULL,
 * never the text 'null') and read them back with the parsers below.
 */

/** A stored call as a backend reads it, before it is shaped for the wire. */
export interface StoredAbilityCall {
  spaceId: SpaceId;
  updateId: number;
  caller: Timite;
  target: Timite;
  ability: string;
  arguments: Record<string, JsonValue>;
  createdAt: Date;
  deadline: Date;
}

/** A stored outcome as a backend reads it; `target` is its author, also of a timeout. */
export interface StoredAbilityOutcome {
  spaceId: SpaceId;
  updateId: number;
  callId: number;
  target: Timite;
  status: AbilityOutcomeStatus;
  result?: JsonValue | undefined;
  error?: string | undefined;
  createdAt: Date;
}

function timiteOf(timite: Timite): Timite {
  return { id: timite.id, nick: timite.nick, kind: timite.kind };
}

export function toAbilityCallUpdate(stored: StoredAbilityCall): AbilityCallUpdate {
  return {
    id: stored.updateId,
    spaceId: stored.spaceId,
    at: stored.createdAt.toISOString(),
    event: {
      type: 'ability_call',
      callId: stored.updateId,
      caller: timiteOf(stored.caller),
      target: timiteOf(stored.target),
      ability: stored.ability,
      arguments: structuredClone(stored.arguments),
      deadline: stored.deadline.toISOString(),
    },
  };
}

export function toAbilityOutcomeUpdate(stored: StoredAbilityOutcome): AbilityOutcomeUpdate {
  return {
    id: stored.updateId,
    spaceId: stored.spaceId,
    at: stored.createdAt.toISOString(),
    event: {
      type: 'ability_outcome',
      callId: stored.callId,
      target: timiteOf(stored.target),
      status: stored.status,
      ...(stored.result === undefined ? {} : { result: structuredClone(stored.result) }),
      ...(stored.error === undefined ? {} : { error: stored.error }),
    },
  };
}

const Arguments = z.record(z.string(), JsonValue);

/** The `arguments` column's JSON text. */
export function parseArgumentsColumn(json: string): Record<string, JsonValue> {
  return Arguments.parse(JSON.parse(json));
}

/** The `result` column: JSON text, NULL when the outcome has no result. */
export function resultColumn(result: JsonValue | undefined): string | null {
  return result === undefined ? null : JSON.stringify(result);
}

export function parseResultColumn(json: string | null): JsonValue | undefined {
  return json === null ? undefined : JsonValue.parse(JSON.parse(json));
}

/** A stored call or outcome as a place in the timeline. */
export type StoredAbilityEntry =
  { kind: 'ability_call'; call: StoredAbilityCall } | { kind: 'ability_outcome'; outcome: StoredAbilityOutcome };

/** The update a stored call or outcome is, as `readUpdates` returns it among the others. */
export function abilityTimelineUpdate(entry: StoredAbilityEntry): AbilityUpdate {
  return entry.kind === 'ability_call' ? toAbilityCallUpdate(entry.call) : toAbilityOutcomeUpdate(entry.outcome);
}
