import type { Revocation } from './storage';

/** A revocations row as both SQL backends store it: exactly one of key_hash and timite_id is set. */
export interface RevocationColumns {
  seq: number;
  key_hash: string | null;
  timite_id: number | null;
}

export function revocationColumnsToRevocation(row: RevocationColumns): Revocation {
  if (row.key_hash !== null) return { seq: row.seq, kind: 'session', keyHash: row.key_hash };
  if (row.timite_id !== null) return { seq: row.seq, kind: 'timite', timiteId: row.timite_id };
  throw new Error(`Revocation ${row.seq} names neither a key nor a timite.`);
}
