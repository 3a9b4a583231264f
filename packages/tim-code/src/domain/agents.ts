import { Nick, type Timite } from '@tim/protocol';
import type { Storage } from '../storage/storage';
import { generateKey, hashKey } from './sessions';
import { TimError } from './tim-error';

export interface AgentListing {
  timite: Timite;
  revoked: boolean;
}

/**
 * Provisions an agent: a timite of kind `agent` without password and a long-lived token.
 * The nick of a revoked agent is given back to it: the same timite (its history stays its
 * own) is reinstated with a new token. The token is returned once; only its hash is stored.
 */
export async function addAgent(
  storage: Storage,
  nick: string,
  now: Date,
): Promise<{ timite: Timite; token: string; isReinstated: boolean }> {
  const parsed = Nick.safeParse(nick);
  if (!parsed.success) throw new TimError('invalid_request', parsed.error.issues[0]?.message ?? 'Invalid nick.');
  const result = await storage.createTimite({ nick: parsed.data, kind: 'agent', passwordHash: null });
  const timite = result.created ? result.timite : await storage.reinstateAgent(parsed.data);
  if (timite === undefined) throw new TimError('conflict', `The nick "${nick}" is taken.`);
  const token = generateKey();
  await storage.createSession({ keyHash: hashKey(token), timiteId: timite.id, createdAt: now, expiresAt: null });
  return { timite, token, isReinstated: !result.created };
}

export async function listAgents(storage: Storage): Promise<AgentListing[]> {
  const agents = await storage.listTimites('agent');
  const listings: AgentListing[] = [];
  for (const timite of agents) {
    const record = await storage.findTimiteByNick(timite.nick);
    listings.push({ timite, revoked: record?.revoked ?? false });
  }
  return listings;
}

/** Deletes the agent's tokens; the nick stays reserved because history names it. */
export async function revokeAgent(storage: Storage, nick: string, now: Date): Promise<void> {
  const record = await storage.findTimiteByNick(nick);
  if (record === undefined || record.timite.kind !== 'agent') {
    throw new TimError('not_found', `There is no agent "${nick}".`);
  }
  await storage.revokeAgent(nick, now);
}
