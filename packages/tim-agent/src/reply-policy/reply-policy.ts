import type { Update } from '@tim/protocol';
import type { PersonaLimits, ReplyPolicyConfig } from '../persona/persona-schema';
import { repliesInLastMinute } from './reply-limits';

/** The server's 429 answers an agent backs off from. */
export type ServerBackoffCode = 'agent_turn_limit' | 'rate_limited';

/** Everything the policy needs to judge one incoming update; built by the runner, never mutated here. */
export interface ReplyState {
  selfId: number;
  policy: Pick<ReplyPolicyConfig, 'humans' | 'maxAgentChain'>;
  limits: PersonaLimits;
  /**
   * The space's newest update id when the agent last (re)subscribed. Updates up to it are
   * history: context for the prompt, never something to answer.
   */
  liveAfterId: number;
  /**
   * Agent messages since the last human message in the timeline the agent knows, the
   * incoming message and the agent's own posted replies included.
   */
  agentChain: number;
  /** Update id of the newest human message the agent knows in this space, 0 when none. */
  newestHumanUpdateId: number;
  /** Start times of this agent's LLM turns, in ms since the epoch (older than a minute may be dropped). */
  turnStartsMs: readonly number[];
  /** LLM tokens used today (UTC), as the API reported them. */
  tokensUsedToday: number;
  /** A reply is being generated for this space right now. */
  isGenerating: boolean;
  /** Set after the server answered 429; no turn starts before `untilMs`. */
  serverBackoff?: { untilMs: number; code: ServerBackoffCode };
  nowMs: number;
}

export type SkipReason =
  | 'not_a_message'
  | 'own_message'
  | 'history'
  | 'not_mentioned'
  | 'agent_chain_limit'
  | 'superseded_by_human'
  | 'server_backoff'
  | 'reply_rate_limit'
  | 'token_budget';

/** The reasons that are a limit being hit (logged once), not a message that is not for us. */
export const LIMIT_REASONS: ReadonlySet<SkipReason> = new Set(['server_backoff', 'reply_rate_limit', 'token_budget']);

export type ReplyDecision =
  /** Start a turn now. */
  | { action: 'reply' }
  /** A turn is running: answer this in the next turn, together with anything else that arrives. */
  | { action: 'fold' }
  | { action: 'skip'; reason: SkipReason };

/**
 * Decides whether an incoming update deserves a reply. Pure: the same state and update always
 * give the same decision. Rules, in order: only messages; never the agent's own; never
 * history; humans per `policy.humans`; agents only when they @mention this agent, no human
 * spoke since, and the agent chain is shorter than `policy.maxAgentChain`; while generating, fold into the next
 * turn; then the agent's own limits and any server backoff.
 */
export function decide(state: ReplyState, update: Update): ReplyDecision {
  if (update.event.type !== 'message') return skip('not_a_message');
  const message = update.event.message;
  if (message.sender.id === state.selfId) return skip('own_message');
  if (update.id <= state.liveAfterId) return skip('history');

  const isMentioned = message.mentions.includes(state.selfId);
  const isHuman = message.sender.kind === 'human';
  if (isHuman) {
    if (state.policy.humans === 'mentions' && !isMentioned) return skip('not_mentioned');
  } else {
    if (!isMentioned) return skip('not_mentioned');
    // A person spoke after this agent message: the agent answers the person, and the agent
    // message is no longer part of the run the chain limit counts.
    if (update.id < state.newestHumanUpdateId) return skip('superseded_by_human');
    if (state.agentChain >= state.policy.maxAgentChain) return skip('agent_chain_limit');
  }

  if (state.isGenerating) return { action: 'fold' };
  return checkLimits(state, { isFromHuman: isHuman });
}

/**
 * The checks made before every LLM call: server backoff, replies per minute and the daily
 * token budget. A human message lifts an `agent_turn_limit` backoff, as it does on the server.
 */
export function checkLimits(state: ReplyState, options: { isFromHuman: boolean }): ReplyDecision {
  const backoff = state.serverBackoff;
  if (backoff && state.nowMs < backoff.untilMs) {
    const isLiftedByHuman = backoff.code === 'agent_turn_limit' && options.isFromHuman;
    if (!isLiftedByHuman) return skip('server_backoff');
  }
  if (repliesInLastMinute(state.turnStartsMs, state.nowMs) >= state.limits.repliesPerMinute) {
    return skip('reply_rate_limit');
  }
  if (state.tokensUsedToday >= state.limits.dailyTokenBudget) return skip('token_budget');
  return { action: 'reply' };
}

/**
 * "Log once when a limit is hit": announce a limit when it is first hit, stay quiet while it
 * keeps being hit, and announce again only after a turn ran (the limit lifted) or a
 * different limit is hit.
 */
export function noticeLimit(
  lastAnnounced: SkipReason | undefined,
  decision: ReplyDecision,
): { shouldLog: boolean; lastAnnounced: SkipReason | undefined } {
  if (decision.action === 'reply') return { shouldLog: false, lastAnnounced: undefined };
  if (decision.action === 'fold' || !LIMIT_REASONS.has(decision.reason)) {
    return { shouldLog: false, lastAnnounced };
  }
  return { shouldLog: decision.reason !== lastAnnounced, lastAnnounced: decision.reason };
}

function skip(reason: SkipReason): ReplyDecision {
  return { action: 'skip', reason };
}
