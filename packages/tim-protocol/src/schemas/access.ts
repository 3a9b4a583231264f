import { z } from 'zod';
import { IsoTime, Nick, SpaceId, SpaceName, Timite, TimiteId } from './entities';

/*
 * Extension of v1 (issue 19): who may be where. A space is public (anyone reads, posts and
 * joins) or private (members only: for everyone else it does not exist, 404). Members have a
 * role; owners and admins manage the space. Direct messages are private spaces of kind 'dm'.
 * Registration may need an invite code. See docs/protocol.md, "Who may be where".
 */

export const SpaceVisibility = z.enum(['public', 'private']);
export type SpaceVisibility = z.infer<typeof SpaceVisibility>;

export const SpaceKind = z.enum(['space', 'dm']);
export type SpaceKind = z.infer<typeof SpaceKind>;

export const SpaceRole = z.enum(['owner', 'admin', 'member']);
export type SpaceRole = z.infer<typeof SpaceRole>;

/** A role that an owner or admin gives when inviting (owners are made by a role change). */
export const InvitedRole = z.enum(['member', 'admin']);
export type InvitedRole = z.infer<typeof InvitedRole>;

/** One member of a space. */
export const Member = z.object({
  timite: Timite,
  role: SpaceRole,
  joinedAt: IsoTime,
});
export type Member = z.infer<typeof Member>;

/** `GET /spaces/:spaceId/members` */
export const MembersResponse = z.object({ members: z.array(Member) });
export type MembersResponse = z.infer<typeof MembersResponse>;

/** `POST /spaces/:spaceId/members`: invites a timite by nick (owners and admins). */
export const AddMemberRequest = z.strictObject({
  nick: Nick,
  role: InvitedRole.optional(),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

/** Answers `POST /spaces/:spaceId/members`, `PATCH …/members/:timiteId` and `POST /spaces/:spaceId/join`. */
export const MemberResponse = z.object({ member: Member });
export type MemberResponse = z.infer<typeof MemberResponse>;

/** `PATCH /spaces/:spaceId/members/:timiteId`: only owners give or take 'owner'. */
export const ChangeRoleRequest = z.strictObject({ role: SpaceRole });
export type ChangeRoleRequest = z.infer<typeof ChangeRoleRequest>;

/** The member of `/spaces/:spaceId/members/:timiteId`; `me` is the caller (to leave). */
export const MemberPathParams = z.strictObject({
  spaceId: SpaceId,
  timiteId: z.union([z.literal('me'), z.coerce.number().pipe(TimiteId)]),
});
export type MemberPathParams = z.infer<typeof MemberPathParams>;

/** `PATCH /spaces/:spaceId` (owners and admins): at least one field. */
export const UpdateSpaceRequest = z
  .strictObject({
    name: SpaceName.optional(),
    visibility: SpaceVisibility.optional(),
    /** true archives (no posting, no changes), false unarchives. */
    archived: z.boolean().optional(),
  })
  .refine((input) => input.name !== undefined || input.visibility !== undefined || input.archived !== undefined, {
    error: 'Name at least one of "name", "visibility" and "archived".',
  });
export type UpdateSpaceRequest = z.infer<typeof UpdateSpaceRequest>;

/** The largest number of others in a direct message. */
export const DM_OTHERS_MAX = 7;

/** `POST /dms`: the others by nick (the caller is always in it); 201 the first time, 200 after. */
export const OpenDmRequest = z.strictObject({
  nicks: z.array(Nick).min(1).max(DM_OTHERS_MAX),
});
export type OpenDmRequest = z.infer<typeof OpenDmRequest>;

/** Which spaces `GET /spaces?scope=` lists: those the caller is a member of, or public ones (with `q`). */
export const SpacesScope = z.enum(['mine', 'public']);
export type SpacesScope = z.infer<typeof SpacesScope>;

// Registration

export const RegistrationPolicy = z.enum(['open', 'invite', 'closed']);
export type RegistrationPolicy = z.infer<typeof RegistrationPolicy>;

/** `GET /registration` (no session): whether `POST /register` needs an `inviteCode`. */
export const RegistrationResponse = z.object({ policy: RegistrationPolicy });
export type RegistrationResponse = z.infer<typeof RegistrationResponse>;

/** An invite code as a person types it. */
export const InviteCode = z.string().trim().min(1).max(200);

/** The most uses one invite code may have. */
export const INVITE_USES_MAX = 10_000;
/** The longest an invite code may live: one year. */
export const INVITE_EXPIRY_MAX_MS = 366 * 24 * 60 * 60 * 1000;

/** `POST /invites` (TIM_ADMINS only). */
export const CreateInviteRequest = z.strictObject({
  /** @default 1 */
  uses: z.number().int().min(1).max(INVITE_USES_MAX).optional(),
  /** Absent: the code does not expire. */
  expiresInMs: z.number().int().min(1000).max(INVITE_EXPIRY_MAX_MS).optional(),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

/** The code is shown once: the server keeps only its hash. */
export const InviteResponse = z.object({
  code: z.string().min(1),
  uses: z.number().int().positive(),
  expiresAt: IsoTime.nullable(),
});
export type InviteResponse = z.infer<typeof InviteResponse>;
