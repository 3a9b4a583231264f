import type { AbilityCallEvent, AbilityOutcomeEvent, JsonValue } from '@tim/protocol';
import type { CallEntry } from './ability-calls';

/** A call of an ability in the timeline, with its outcome once there is one. */
export interface CallItem {
  key: string;
  kind: 'call';
  updateId: number;
  call: AbilityCallEvent;
  outcome: AbilityOutcomeEvent | undefined;
  /** The reader made the call. */
  mine: boolean;
}

/** An outcome whose call lies before the window: a small line that opens the call. */
export interface OutcomeItem {
  key: string;
  kind: 'outcome';
  updateId: number;
  outcome: AbilityOutcomeEvent;
  mine: boolean;
}

export type CallStatus = 'pending' | 'done' | 'failed' | 'timed out';

export function callItem(entry: CallEntry, myId: number): CallItem | OutcomeItem {
  if (entry.call === undefined) {
    return {
      key: `u${entry.updateId}`,
      kind: 'outcome',
      updateId: entry.updateId,
      outcome: entry.outcome,
      mine: entry.outcome.target.id === myId,
    };
  }
  return {
    key: `u${entry.updateId}`,
    kind: 'call',
    updateId: entry.updateId,
    call: entry.call,
    outcome: entry.outcome,
    mine: entry.call.caller.id === myId,
  };
}

/**
 * `items` (by update id) with the calls put in among them by update id: one pass over both. Items
 * without an update id (none among confirmed messages) stay where they are.
 */
export function withCalls<T extends { updateId: number }>(
  items: readonly T[],
  calls: readonly CallEntry[],
  myId: number,
): Array<T | CallItem | OutcomeItem> {
  if (calls.length === 0) return [...items];
  const merged: Array<T | CallItem | OutcomeItem> = [];
  let next = 0;
  for (const item of items) {
    while (next < calls.length && (calls[next] as CallEntry).updateId < item.updateId) {
      merged.push(callItem(calls[next] as CallEntry, myId));
      next += 1;
    }
    merged.push(item);
  }
  for (; next < calls.length; next += 1) merged.push(callItem(calls[next] as CallEntry, myId));
  return merged;
}

export function callStatus(outcome: AbilityOutcomeEvent | undefined): CallStatus {
  switch (outcome?.status) {
    case undefined:
      return 'pending';
    case 'ok':
      return 'done';
    case 'error':
      return 'failed';
    case 'timed_out':
      return 'timed out';
  }
}

/** A value as the card shows it: text as it is, anything else as indented JSON (always shown as text, never as HTML). */
export function shownValue(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** Whole seconds left until `deadline`, never below zero. */
export function secondsLeft(deadline: string, nowMs: number): number {
  return Math.max(0, Math.ceil((Date.parse(deadline) - nowMs) / 1000));
}
