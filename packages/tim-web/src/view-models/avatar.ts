/** How many avatar colours app.css defines (`.avatar.tone-0` … `.avatar.tone-11`). */
export const AVATAR_TONES = 12;

/** Up to two letters for a nick: the first letters of its first two words, else its first two. */
export function initials(nick: string): string {
  const words = nick.split(/[\s_.-]+|(?<=[a-z])(?=[A-Z])/u).filter((word) => word.length > 0);
  const letters =
    words.length >= 2 ? [...words[0]!].slice(0, 1).concat([...words[1]!].slice(0, 1)) : [...nick].slice(0, 2);
  return letters.join('').toUpperCase() || '?';
}

/** A stable colour for a nick, so the same person has the same colour everywhere and always. */
export function avatarTone(nick: string): number {
  let hash = 0;
  for (const char of nick.toLowerCase()) hash = (Math.imul(hash, 31) + char.codePointAt(0)!) >>> 0;
  return hash % AVATAR_TONES;
}
