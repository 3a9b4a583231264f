import { NICK_CHAR_CLASS } from './schemas/entities';
import { NICK_MAX_CHARS } from './schemas/limits';

const MENTION = new RegExp(`@([${NICK_CHAR_CLASS}]+)`, 'g');

/**
 * The nicks named as `@nick` in a message, lowercased and without repeats, in order of
 * first appearance. A mention ends at the first character outside the nick alphabet.
 */
export function findMentionedNicks(content: string): string[] {
  // Most messages mention nobody; matchAll would still clone the pattern and build an iterator.
  if (!content.includes('@')) return [];
  const nicks = new Set<string>();
  for (const match of content.matchAll(MENTION)) {
    const nick = match[1];
    if (nick !== undefined && nick.length <= NICK_MAX_CHARS) nicks.add(nick.toLowerCase());
  }
  return [...nicks];
}
