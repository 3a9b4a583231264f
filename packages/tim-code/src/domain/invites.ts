import type { InviteResponse } from '@tim/protocol';
import type { AccessStorage, InviteCodeRecord } from '../storage/storage';
import { generateKey, hashKey } from './sessions';
import { TimError } from './tim-error';

/*
 * Invite codes (issue 19): with TIM_REGISTRATION=invite, registering takes one use of a code.
 * A code is shown once, when it is made; the store keeps only its hash, like a session key.
 * The CLI (`tim-code invite …`) and the TIM_ADMINS (POST /invites) make them.
 */

/** The hash a code is stored and looked up by. */
export function hashInviteCode(code: string): string {
  return hashKey(code.trim());
}

export interface NewInvite {
  /** @default 1 */
  uses?: number;
  /** Absent: the code never expires. */
  expiresInMs?: number;
  /** The admin that asked; absent for the CLI. */
  createdBy?: number;
}

export async function createInvite(
  storage: Pick<AccessStorage, 'createInviteCode'>,
  input: NewInvite,
  now: Date,
): Promise<InviteResponse> {
  const code = generateKey();
  const uses = input.uses ?? 1;
  const expiresAt = input.expiresInMs === undefined ? null : new Date(now.getTime() + input.expiresInMs);
  await storage.createInviteCode({
    codeHash: hashInviteCode(code),
    uses,
    expiresAt,
    ...(input.createdBy === undefined ? {} : { createdBy: input.createdBy }),
    createdAt: now,
  });
  return { code, uses, expiresAt: expiresAt?.toISOString() ?? null };
}

/** How a code is named in lists and in `invite revoke`: the start of its hash (never the code). */
export const INVITE_ID_CHARS = 10;

export function inviteIdOf(record: InviteCodeRecord): string {
  return record.codeHash.slice(0, INVITE_ID_CHARS);
}

export async function revokeInvite(storage: Pick<AccessStorage, 'revokeInviteCode'>, id: string): Promise<string> {
  if (id.trim() === '') throw new TimError('invalid_request', 'Name the invite by the id `invite list` shows.');
  const result = await storage.revokeInviteCode(id.trim());
  switch (result.outcome) {
    case 'revoked':
      return result.codeHash.slice(0, INVITE_ID_CHARS);
    case 'not_found':
      throw new TimError('not_found', `There is no invite "${id}".`);
    case 'ambiguous':
      throw new TimError('conflict', `"${id}" names more than one invite; give more of its id.`);
  }
}

/** A duration as the CLI takes it: `90m`, `12h`, `7d` (or plain milliseconds). */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  const value = Number(match[1]) * unit;
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
