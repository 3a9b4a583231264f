import { NICK_CHAR_CLASS, NICK_MAX_CHARS, findMentionedNicks } from '@tim/protocol';

export type ContentPart =
  { kind: 'text'; text: string } | { kind: 'mention'; text: string; nick: string; isMe: boolean };

/**
 * Splits message content into plain text and `@nick` mentions, by the protocol's rule: a
 * mention runs to the first character outside the nick alphabet. `myNick` marks mentions of
 * the reader.
 */
export function splitMentions(content: string, myNick?: string): ContentPart[] {
  const mention = new RegExp(`@([${NICK_CHAR_CLASS}]{1,${NICK_MAX_CHARS}})(?![${NICK_CHAR_CLASS}])`, 'g');
  const me = myNick?.toLowerCase();
  const parts: ContentPart[] = [];
  let last = 0;
  for (const match of content.matchAll(mention)) {
    const nick = match[1] ?? '';
    if (match.index > last) parts.push({ kind: 'text', text: content.slice(last, match.index) });
    parts.push({ kind: 'mention', text: match[0], nick, isMe: nick.toLowerCase() === me });
    last = match.index + match[0].length;
  }
  if (last < content.length) parts.push({ kind: 'text', text: content.slice(last) });
  return parts;
}

/** True when the content names the reader; `mentionIds` (from the server) wins when present. */
export function mentionsMe(options: {
  content: string;
  myNick: string;
  myId: number;
  mentionIds?: readonly number[];
}): boolean {
  if (options.mentionIds !== undefined) return options.mentionIds.includes(options.myId);
  return findMentionedNicks(options.content).includes(options.myNick.toLowerCase());
}
