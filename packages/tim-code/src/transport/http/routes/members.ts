import {
  AddMemberRequest,
  ChangeRoleRequest,
  MemberPathParams,
  OpenDmRequest,
  SpaceId,
  UpdateSpaceRequest,
  type MemberResponse,
  type MembersResponse,
  type SpaceResponse,
} from '@tim/protocol';
import { Router, type RequestHandler } from 'express';
import {
  addMember,
  changeRole,
  joinSpace,
  listMembers,
  openDm,
  removeMember,
  updateSpace,
  type MembershipDeps,
} from '../../../domain/memberships';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { parseInput } from '../body';
import { enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface MemberRouteDeps {
  memberships: MembershipDeps;
  rateLimits: RateLimits;
  metrics: Metrics;
  requireSession: RequestHandler;
}

const SPACE = '/spaces/:spaceId';
const MEMBERS = `${SPACE}/members`;
const MEMBER = `${MEMBERS}/:timiteId`;

/**
 * Who may be where (issue 19): members and roles, a space's settings, joining, DMs. Each change
 * (opening a DM included) spends a point of the caller's `changes` budget.
 */
export function memberRoutes(deps: MemberRouteDeps): Router {
  const { memberships, metrics } = deps;
  const router = Router();

  /** The caller, once a change was counted against its budget. */
  async function spendChange(res: Parameters<typeof authenticatedOf>[0]) {
    const { timite } = authenticatedOf(res);
    await enforceRateLimits({ res, metrics }, [[deps.rateLimits.changes, String(timite.id)]]);
    return timite;
  }

  router.get(MEMBERS, deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const body: MembersResponse = {
      members: await listMembers(memberships, authenticatedOf(res).timite, spaceId),
    };
    res.json(body);
  });

  router.post(MEMBERS, deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const input = parseInput(AddMemberRequest, req.body);
    const actor = await spendChange(res);
    const member = await addMember(memberships, { actor, spaceId, nick: input.nick, role: input.role ?? 'member' });
    const body: MemberResponse = { member };
    res.status(201).json(body);
  });

  router.patch(MEMBER, deps.requireSession, async (req, res) => {
    const params = parseInput(MemberPathParams, req.params);
    const input = parseInput(ChangeRoleRequest, req.body);
    const actor = await spendChange(res);
    const timiteId = params.timiteId === 'me' ? actor.id : params.timiteId;
    const member = await changeRole(memberships, { actor, spaceId: params.spaceId, timiteId, role: input.role });
    const body: MemberResponse = { member };
    res.json(body);
  });

  router.delete(MEMBER, deps.requireSession, async (req, res) => {
    const params = parseInput(MemberPathParams, req.params);
    const actor = await spendChange(res);
    const timiteId = params.timiteId === 'me' ? actor.id : params.timiteId;
    await removeMember(memberships, { actor, spaceId: params.spaceId, timiteId });
    res.status(204).end();
  });

  router.post(`${SPACE}/join`, deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const actor = await spendChange(res);
    const joined = await joinSpace(memberships, actor, spaceId);
    const body: MemberResponse = { member: joined.member };
    res.status(joined.created ? 201 : 200).json(body);
  });

  router.patch(SPACE, deps.requireSession, async (req, res) => {
    const spaceId = parseInput(SpaceId, req.params['spaceId']);
    const changes = parseInput(UpdateSpaceRequest, req.body);
    const actor = await spendChange(res);
    const body: SpaceResponse = { space: await updateSpace(memberships, { actor, spaceId, changes }) };
    res.json(body);
  });

  router.post('/dms', deps.requireSession, async (req, res) => {
    const input = parseInput(OpenDmRequest, req.body);
    const actor = await spendChange(res);
    const opened = await openDm(memberships, { actor, nicks: input.nicks });
    const body: SpaceResponse = { space: opened.space };
    res.status(opened.created ? 201 : 200).json(body);
  });

  return router;
}
