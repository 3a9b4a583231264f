import type { SpaceId, SpaceUnread, Timite, Update } from '@tim/protocol';
import { decideDelete, decideEdit, decideReaction } from '../change-rules';
import {
  deletedUpdate,
  editedMessage,
  editedUpdate,
  reactionUpdate,
  tombstoneOf,
  withReactions,
  type ChangeKind,
} from '../change-updates';
import { applyReactionToggle } from '../reaction-rules';
import type { MessageChangeResult, MessageChangeStorage, MessageRef } from '../storage';
import { searchMemoryMessages } from './memory-search';
import { currentOf, type MemoryState, type SpaceState, type StoredMessage } from './memory-timeline';

/**
 * Edits, deletes, reactions, read markers and search over the memory store's state. Every
 * method body runs synchronously, so each change and the update it appends are atomic.
 */
export function createMemoryMessageChanges(state: MemoryState): MessageChangeStorage {
  const { timites, spaces, messages, assertOpen } = state;
  /** timite id → space id → read marker. */
  const readMarkers = new Map<number, Map<SpaceId, number>>();

  function find(ref: MessageRef): { stored: StoredMessage; space: SpaceState } | undefined {
    const stored = messages.get(ref.messageId);
    const space = spaces.get(ref.spaceId);
    if (stored === undefined || space === undefined || stored.message.spaceId !== ref.spaceId) return undefined;
    return { stored, space };
  }

  function timiteOf(id: number): Timite {
    const record = timites.get(id);
    // A programming error, not an outcome: the domain only acts for timites it resolved.
    if (record === undefined) throw new Error(`Unknown timite id ${id}`);
    return record.timite;
  }

  function targetOf(stored: StoredMessage): { senderId: number; deleted: boolean } {
    return { senderId: stored.message.sender.id, deleted: stored.message.deletedAt !== undefined };
  }

  /** Appends the change as the space's next update; returns its id. */
  function appendChange(
    space: SpaceState,
    change: { kind: ChangeKind; messageId: number; actor: Timite; at: Date; data: unknown },
  ): number {
    const updateId = space.entries.length + 1;
    space.entries.push({
      kind: 'change',
      change: {
        spaceId: space.space.id,
        updateId,
        kind: change.kind,
        messageId: change.messageId,
        actor: { ...change.actor },
        createdAt: new Date(change.at),
        data: structuredClone(change.data),
      },
    });
    return updateId;
  }

  function changed(update: Update, stored: StoredMessage): MessageChangeResult {
    return { outcome: 'changed', update, current: currentOf(stored) };
  }

  return {
    async getMessage(ref) {
      assertOpen();
      const found = find(ref);
      return found === undefined ? undefined : currentOf(found.stored);
    },

    async editMessage(input) {
      assertOpen();
      const found = find(input);
      if (found === undefined) return { outcome: 'not_found' };
      const { stored, space } = found;
      const decision = decideEdit(targetOf(stored), input.editorId);
      if (decision === 'forbidden') return { outcome: 'forbidden' };
      if (decision === 'deleted') return { outcome: 'deleted', current: currentOf(stored) };
      stored.message = editedMessage(stored.message, input);
      const updateId = appendChange(space, {
        kind: 'edited',
        messageId: input.messageId,
        actor: timiteOf(input.editorId),
        at: input.editedAt,
        data: { content: input.content, mentions: input.mentions },
      });
      return changed(editedUpdate(input, updateId), stored);
    },

    async deleteMessage(input) {
      assertOpen();
      const found = find(input);
      if (found === undefined) return { outcome: 'not_found' };
      const { stored, space } = found;
      const decision = decideDelete(targetOf(stored), input);
      if (decision === 'forbidden') return { outcome: 'forbidden' };
      if (decision === 'unchanged') return { outcome: 'unchanged', current: currentOf(stored) };
      const actor = timiteOf(input.actorId);
      stored.message = tombstoneOf(stored.message, input);
      for (const entry of space.entries) {
        if (entry.kind === 'change' && entry.change.kind === 'edited' && entry.change.messageId === input.messageId) {
          entry.change.data = null;
        }
      }
      const updateId = appendChange(space, {
        kind: 'deleted',
        messageId: input.messageId,
        actor,
        at: input.deletedAt,
        data: null,
      });
      return changed(deletedUpdate(input, updateId), stored);
    },

    async changeReaction(input) {
      assertOpen();
      const found = find(input);
      if (found === undefined) return { outcome: 'not_found' };
      const { stored, space } = found;
      if (decideReaction(targetOf(stored)) === 'deleted') return { outcome: 'deleted', current: currentOf(stored) };
      const timite = timiteOf(input.timiteId);
      const toggled = applyReactionToggle(stored.message.reactions ?? [], { ...input, timite });
      if (toggled.outcome === 'unchanged') return { outcome: 'unchanged', current: currentOf(stored) };
      if (toggled.outcome === 'reaction_limit') return { outcome: 'reaction_limit' };
      stored.message = withReactions(stored.message, toggled.reactions);
      const updateId = appendChange(space, {
        kind: 'reaction',
        messageId: input.messageId,
        actor: timite,
        at: input.at,
        data: { emoji: input.emoji, added: input.add, reactions: toggled.reactions },
      });
      return changed(reactionUpdate(input, timite, toggled.reactions, updateId), stored);
    },

    async markRead(timiteId, spaceId, updateId) {
      assertOpen();
      const space = spaces.get(spaceId);
      if (space === undefined) return undefined;
      const markers = readMarkers.get(timiteId) ?? new Map<SpaceId, number>();
      const marker = Math.max(markers.get(spaceId) ?? 0, Math.min(updateId, space.entries.length));
      markers.set(spaceId, marker);
      readMarkers.set(timiteId, markers);
      return marker;
    },

    async unreadCounts(timiteId, spaceIds, cap) {
      assertOpen();
      const counts = new Map<SpaceId, SpaceUnread>();
      for (const spaceId of spaceIds) {
        const space = spaces.get(spaceId);
        if (space === undefined) continue;
        const readUpTo = readMarkers.get(timiteId)?.get(spaceId) ?? 0;
        let unread = 0;
        let mentions = 0;
        for (const entry of space.entries.slice(readUpTo)) {
          const message = entry.kind === 'message' ? messages.get(entry.messageId)?.message : undefined;
          if (message === undefined || message.sender.id === timiteId || message.deletedAt !== undefined) continue;
          unread += 1;
          if (message.mentions.includes(timiteId)) mentions += 1;
        }
        counts.set(spaceId, { readUpTo, messages: Math.min(unread, cap), mentions: Math.min(mentions, cap) });
      }
      return counts;
    },

    async searchMessages(search) {
      assertOpen();
      return searchMemoryMessages(messages.values(), search);
    },
  };
}
