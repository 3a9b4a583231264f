import { z } from 'zod';

/**
 * Who lost access to a space (issue 19): one timite (removed, or left), or everyone but the
 * members (the space turned private). Each process ends those timites' subscriptions to the
 * space at once.
 */
export const AccessRevocation = z.union([
  z.object({ timiteId: z.number().int().positive() }),
  z.object({ exceptMembers: z.array(z.number().int().positive()) }),
]);
export type AccessRevocation = z.infer<typeof AccessRevocation>;

/**
 * Who was made a member by someone else (an invitation, a direct message opened with them): each
 * process tells their unread feeds (`space_added`), so their clients list the space at once.
 */
export const AccessGrant = z.object({ timiteIds: z.array(z.number().int().positive()) });
export type AccessGrant = z.infer<typeof AccessGrant>;

/**
 * A space's membership or visibility changed: every process forgets what it remembered of who
 * may read the space, and, with `revoke`, ends the subscriptions of those who no longer may;
 * with `grant`, tells the new members. Not strict: a process of an older release drops the keys
 * it does not know (`grant`) and still acts on the rest.
 */
export const AccessChange = z.object({ revoke: AccessRevocation.optional(), grant: AccessGrant.optional() });
export type AccessChange = z.infer<typeof AccessChange>;

/** Whether a revocation takes the space from this timite. */
export function revokes(revocation: AccessRevocation, timiteId: number): boolean {
  return 'timiteId' in revocation ? revocation.timiteId === timiteId : !revocation.exceptMembers.includes(timiteId);
}
