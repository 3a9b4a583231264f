import type { Message, Reaction, Timite } from '@tim/protocol';

/** The picker's emoji: the few reactions people use most. */
export const COMMON_EMOJI: readonly string[] = ['👍', '❤️', '😂', '🎉', '👀', '🙏', '✅', '❌'];

/** One emoji under a message: how many reacted with it, whether the reader did, and who. */
export interface ReactionChip {
  emoji: string;
  count: number;
  /** The reader reacted with it: a click takes the reaction back. */
  mine: boolean;
  /** Who reacted, for the chip's tooltip: "ann, bo and you". */
  who: string;
  /** What a screen reader says for the chip's button. */
  label: string;
}

/** The chips of a message's reactions, in the order each emoji was first used. */
export function reactionChips(message: Pick<Message, 'reactions'>, myId: number): ReactionChip[] {
  return (message.reactions ?? []).map((reaction) => chipOf(reaction, myId));
}

function chipOf(reaction: Reaction, myId: number): ReactionChip {
  const mine = reaction.timites.some((timite) => timite.id === myId);
  const who = namesOf(reaction.timites, myId);
  const count = reaction.timites.length;
  const label = mine
    ? `${reaction.emoji} ${count}: ${who}. Take your reaction back`
    : `${reaction.emoji} ${count}: ${who}. React with ${reaction.emoji}`;
  return { emoji: reaction.emoji, count, mine, who, label };
}

/** "ann", "ann and you", "ann, cy and you": others in the order they reacted, the reader last. */
export function namesOf(timites: readonly Timite[], myId: number): string {
  const names = timites.filter((timite) => timite.id !== myId).map((timite) => timite.nick);
  if (timites.some((timite) => timite.id === myId)) names.push('you');
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Whether the reader has reacted to `message` with `emoji`: the toggle then removes it. */
export function hasReacted(message: Pick<Message, 'reactions'>, emoji: string, myId: number): boolean {
  const reaction = message.reactions?.find((candidate) => candidate.emoji === emoji);
  return reaction?.timites.some((timite) => timite.id === myId) ?? false;
}
