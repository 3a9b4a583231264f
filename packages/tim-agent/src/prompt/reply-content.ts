import { DEFAULT_LIMITS } from '@tim/protocol';

/**
 * The `nick:` prefixes a model copies from its prompt (`@jarvis:`, `jarvis (agent):`, …), in
 * lower case: the prompt shows others' messages as `nick (human|agent): text`.
 */
function ownNickPrefixes(selfNick: string): string[] {
  const nick = selfNick.toLowerCase();
  return ['', '@'].flatMap((at) => ['', ' (agent)', ' (human)'].map((kind) => `${at}${nick}${kind}:`));
}

function startsWithIgnoringCase(text: string, prefix: string): boolean {
  return text.slice(0, prefix.length).toLowerCase() === prefix;
}

/**
 * Makes a model's answer postable: drops a copied `nick:` / `nick (agent):` prefix and cuts it to
 * the server's content limit (the protocol's default unless told). Returns undefined when nothing remains.
 */
export function toMessageContent(
  text: string,
  selfNick: string,
  maxChars: number = DEFAULT_LIMITS.messageChars,
): string | undefined {
  const trimmed = text.trim();
  const prefix = ownNickPrefixes(selfNick).find((candidate) => startsWithIgnoringCase(trimmed, candidate));
  const content = [...trimmed.slice(prefix?.length ?? 0).trim()].slice(0, maxChars).join('').trim();
  return content === '' ? undefined : content;
}

/**
 * `toMessageContent` for a reply that arrives in pieces: what of each piece can be shown now.
 * The start is held back while it could still become a copied prefix, leading whitespace is
 * dropped, and nothing past `maxChars` code points is let through. Everything `push` and `end`
 * return, joined and trimmed, is `toMessageContent` of the whole text.
 */
export interface StreamedContent {
  /** The part of `piece` (and of text held back before it) that can be shown now. */
  push(piece: string): string;
  /** What was held back, once the reply is complete. */
  end(): string;
}

export function createStreamedContent(
  selfNick: string,
  maxChars: number = DEFAULT_LIMITS.messageChars,
): StreamedContent {
  const prefixes = ownNickPrefixes(selfNick);
  let held = '';
  let isPrefixDecided = false;
  let hasShownText = false;
  let shownChars = 0;

  /** Drops whitespace before the first shown character and cuts at `maxChars`. */
  const show = (text: string): string => {
    const visible = hasShownText ? text : text.trimStart();
    if (visible === '') return '';
    hasShownText = true;
    const codePoints = [...visible].slice(0, maxChars - shownChars);
    shownChars += codePoints.length;
    return codePoints.join('');
  };

  return {
    push(piece) {
      if (isPrefixDecided) return show(piece);
      held = (held + piece).trimStart();
      if (held === '') return '';
      const prefix = prefixes.find((candidate) => startsWithIgnoringCase(held, candidate));
      if (prefix === undefined && prefixes.some((candidate) => startsWithIgnoringCase(candidate, held.toLowerCase()))) {
        return '';
      }
      isPrefixDecided = true;
      const rest = held.slice(prefix?.length ?? 0);
      held = '';
      return show(rest);
    },
    end() {
      const rest = held;
      held = '';
      isPrefixDecided = true;
      return show(rest);
    },
  };
}
