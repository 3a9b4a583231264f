import type { Message, MessageUpdate, Space, SpaceId, Update } from '@tim/protocol';
import { abilityTimelineUpdate, type StoredAbilityCall, type StoredAbilityOutcome } from '../ability-updates';
import { toChangeUpdate, type StoredChange } from '../change-updates';
import type { CurrentMessage, TimiteRecord } from '../storage';

/** A message as it is now, and the id of the update that added it. */
export interface StoredMessage {
  message: Message;
  updateId: number;
}

/**
 * One place in a space's timeline: a message (shown as it is now, so only its id is kept), a
 * change to one, kept as the SQL backends keep a message_changes row, or a call of an ability
 * or its outcome (issue 16).
 */
export type TimelineEntry =
  | { kind: 'message'; messageId: number }
  | { kind: 'change'; change: StoredChange }
  | { kind: 'ability_call'; call: StoredAbilityCall }
  | { kind: 'ability_outcome'; outcome: StoredAbilityOutcome };

export interface SpaceState {
  space: Space;
  /** Undefined for main, which the store creates itself. */
  createdBy?: number;
  /** entries[i] has update id i + 1. */
  entries: TimelineEntry[];
  agentStreak: number;
}

/** What the memory store holds, shared by its modules. Nothing outside memory/ sees it. */
export interface MemoryState {
  timites: Map<number, TimiteRecord>;
  spaces: Map<SpaceId, SpaceState>;
  /** By message id, in the order they were appended. */
  messages: Map<number, StoredMessage>;
  assertOpen(): void;
}

/** A copy of the update that added the message, showing it as it is now. */
export function messageUpdateOf(stored: StoredMessage): MessageUpdate {
  const message = structuredClone(stored.message);
  return { id: stored.updateId, spaceId: message.spaceId, at: message.createdAt, event: { type: 'message', message } };
}

export function currentOf(stored: StoredMessage): CurrentMessage {
  return { message: structuredClone(stored.message), updateId: stored.updateId };
}

/** A copy of the update at this place of the timeline. */
export function entryToUpdate(entry: TimelineEntry, messages: Map<number, StoredMessage>): Update {
  if (entry.kind === 'change') return toChangeUpdate(structuredClone(entry.change));
  if (entry.kind === 'ability_call' || entry.kind === 'ability_outcome') return abilityTimelineUpdate(entry);
  const stored = messages.get(entry.messageId);
  if (stored === undefined) throw new Error(`The memory timeline names a missing message ${entry.messageId}`);
  return messageUpdateOf(stored);
}
