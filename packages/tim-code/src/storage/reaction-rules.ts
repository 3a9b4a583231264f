import type { Reaction, Timite } from '@tim/protocol';

/** One timite adding or taking back one emoji, with the limits of the server. */
export interface ReactionToggle {
  timite: Timite;
  emoji: string;
  add: boolean;
  /** A message holds at most this many distinct emoji. */
  maxEmojiPerMessage: number;
  /** One timite holds at most this many reactions on one message. */
  maxReactionsPerTimite: number;
}

export type ReactionToggleResult =
  /** `reactions` is the message's whole set afterwards (empty when none are left). */
  { outcome: 'changed'; reactions: Reaction[] } | { outcome: 'unchanged' } | { outcome: 'reaction_limit' };

/**
 * Applies a reaction toggle to a message's reactions, shared by every backend so that they
 * cannot drift apart. Emoji keep the order they were first used in (an emoji nobody holds any
 * more leaves the list and goes to its end when it comes back); timites keep the order they
 * reacted in. An add that is there already, or a take-back that is not, is `unchanged` even at
 * a limit. Never mutates `reactions`.
 */
export function applyReactionToggle(reactions: readonly Reaction[], toggle: ReactionToggle): ReactionToggleResult {
  const { timite, emoji } = toggle;
  const entry = reactions.find((reaction) => reaction.emoji === emoji);
  const holds = entry?.timites.some((reacted) => reacted.id === timite.id) ?? false;
  if (toggle.add === holds) return { outcome: 'unchanged' };

  if (!toggle.add) {
    const after = reactions
      .map((reaction) =>
        reaction.emoji === emoji
          ? { emoji, timites: reaction.timites.filter((reacted) => reacted.id !== timite.id) }
          : reaction,
      )
      .filter((reaction) => reaction.timites.length > 0);
    return { outcome: 'changed', reactions: structuredClone(after) };
  }

  if (entry === undefined && reactions.length >= toggle.maxEmojiPerMessage) return { outcome: 'reaction_limit' };
  const held = reactions.filter((reaction) => reaction.timites.some((reacted) => reacted.id === timite.id)).length;
  if (held >= toggle.maxReactionsPerTimite) return { outcome: 'reaction_limit' };

  const reactor: Timite = { id: timite.id, nick: timite.nick, kind: timite.kind };
  const after =
    entry === undefined
      ? [...reactions, { emoji, timites: [reactor] }]
      : reactions.map((reaction) =>
          reaction.emoji === emoji ? { emoji, timites: [...reaction.timites, reactor] } : reaction,
        );
  return { outcome: 'changed', reactions: structuredClone(after) };
}
