import { createHash } from 'node:crypto';

/** RFC 4648 base32, lower case: letters and digits, so every id it makes is a valid SpaceId. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Characters of the hash kept in a DM's id: 26 × 5 = 130 bits, so two sets never share an id. */
const DM_HASH_CHARS = 26;

/** The participants of a DM, distinct and sorted: the same set however it was named. */
export function dmParticipants(timiteIds: readonly number[]): number[] {
  return [...new Set(timiteIds)].sort((a, b) => a - b);
}

/** The key that makes opening a DM idempotent (spaces.dm_key): the sorted distinct ids. */
export function dmKeyOf(timiteIds: readonly number[]): string {
  return dmParticipants(timiteIds).join(',');
}

/** The id of the DM of these timites: `dm-` and the base32 of a hash of its key. */
export function dmSpaceIdOf(timiteIds: readonly number[]): string {
  const hash = createHash('sha256').update(dmKeyOf(timiteIds)).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of hash) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < DM_HASH_CHARS) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return `dm-${out}`;
}
