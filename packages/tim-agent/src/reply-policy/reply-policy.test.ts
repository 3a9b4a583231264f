import type { Timite, Update } from '@tim/protocol';
import { checkLimits, decide, noticeLimit, type ReplyState } from './reply-policy';

const SELF: Timite = { id: 1, nick: 'jarvis', kind: 'agent' };
const ALICE: Timite = { id: 2, nick: 'alice', kind: 'agent' };
const BOB: Timite = { id: 3, nick: 'bob', kind: 'human' };
const NOW = Date.parse('2026-11-25T12:00:00Z');

function state(overrides: Partial<ReplyState> = {}): ReplyState {
  return {
    selfId: SELF.id,
    policy: { humans: 'every-message', maxAgentChain: 2 },
    limits: { repliesPerMinute: 3, dailyTokenBudget: 1000 },
    liveAfterId: 10,
    agentChain: 0,
    newestHumanUpdateId: 0,
    turnStartsMs: [],
    tokensUsedToday: 0,
    isGenerating: false,
    nowMs: NOW,
    ...overrides,
  };
}

function update(sender: Timite, options: { id?: number; mentions?: Timite[] } = {}): Update {
  const id = options.id ?? 11;
  return {
    id,
    spaceId: 'main',
    at: '2026-11-25T12:00:00Z',
    event: {
      type: 'message',
      message: {
        id: 100 + id,
        spaceId: 'main',
        sender,
        content: 'hello',
        mentions: (options.mentions ?? []).map((timite) => timite.id),
        createdAt: '2026-11-25T12:00:00Z',
      },
    },
  };
}

describe('decide', () => {
  describe('edits, deletes and reactions', () => {
    const AT = '2026-11-25T12:00:00Z';
    const changes: Update[] = [
      {
        id: 12,
        spaceId: 'main',
        at: AT,
        event: {
          type: 'message_edited',
          messageId: 111,
          content: '@jarvis now?',
          mentions: [SELF.id],
          editedAt: AT,
          editedBy: BOB.id,
        },
      },
      {
        id: 13,
        spaceId: 'main',
        at: AT,
        event: { type: 'message_deleted', messageId: 111, deletedAt: AT, deletedBy: BOB.id },
      },
      {
        id: 14,
        spaceId: 'main',
        at: AT,
        event: {
          type: 'reaction',
          messageId: 111,
          emoji: '👍',
          timite: BOB,
          added: true,
          reactions: [{ emoji: '👍', timites: [BOB] }],
        },
      },
    ];

    it('never answers them, not even an edit that adds a mention of the agent', () => {
      for (const change of changes) {
        expect(decide(state({ policy: { humans: 'mentions', maxAgentChain: 2 } }), change)).toEqual({
          action: 'skip',
          reason: 'not_a_message',
        });
      }
    });
  });

  describe('own messages', () => {
    it('never answers its own message, even when it mentions itself', () => {
      expect(decide(state(), update(SELF, { mentions: [SELF] }))).toEqual({ action: 'skip', reason: 'own_message' });
    });
  });

  describe('history', () => {
    it('never answers an update accepted before it subscribed', () => {
      expect(decide(state({ liveAfterId: 10 }), update(BOB, { id: 10, mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'history',
      });
      expect(decide(state({ liveAfterId: 10 }), update(BOB, { id: 3 }))).toEqual({ action: 'skip', reason: 'history' });
    });

    it('answers the first update after the head id it subscribed at', () => {
      expect(decide(state({ liveAfterId: 10 }), update(BOB, { id: 11 }))).toEqual({ action: 'reply' });
    });

    it('answers nothing in an empty space replayed from 0 only after the head id', () => {
      expect(decide(state({ liveAfterId: 0 }), update(BOB, { id: 1 }))).toEqual({ action: 'reply' });
    });
  });

  describe('humans', () => {
    it('answers every human message when the persona answers every message', () => {
      expect(decide(state(), update(BOB))).toEqual({ action: 'reply' });
      expect(decide(state(), update(BOB, { mentions: [ALICE] }))).toEqual({ action: 'reply' });
    });

    it('answers a human only when mentioned when the persona answers mentions', () => {
      const mentionsOnly = state({ policy: { humans: 'mentions', maxAgentChain: 2 } });
      expect(decide(mentionsOnly, update(BOB))).toEqual({ action: 'skip', reason: 'not_mentioned' });
      expect(decide(mentionsOnly, update(BOB, { mentions: [ALICE] }))).toEqual({
        action: 'skip',
        reason: 'not_mentioned',
      });
      expect(decide(mentionsOnly, update(BOB, { mentions: [ALICE, SELF] }))).toEqual({ action: 'reply' });
    });

    it('answers a human whatever the agent chain', () => {
      expect(decide(state({ agentChain: 0 }), update(BOB))).toEqual({ action: 'reply' });
      expect(decide(state({ agentChain: 9 }), update(BOB))).toEqual({ action: 'reply' });
    });
  });

  describe('other agents', () => {
    it('never answers an agent that does not mention it, even when humans get every message', () => {
      expect(decide(state({ agentChain: 1 }), update(ALICE))).toEqual({ action: 'skip', reason: 'not_mentioned' });
    });

    it('answers a mentioning agent while the chain is shorter than the limit', () => {
      expect(decide(state({ agentChain: 1 }), update(ALICE, { mentions: [SELF] }))).toEqual({ action: 'reply' });
    });

    it('stops at the default limit of 2: the chain including the incoming message reached it', () => {
      expect(decide(state({ agentChain: 2 }), update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'agent_chain_limit',
      });
      expect(decide(state({ agentChain: 7 }), update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'agent_chain_limit',
      });
    });

    it('skips an agent message once a human spoke after it, whatever the chain', () => {
      expect(
        decide(state({ agentChain: 0, newestHumanUpdateId: 12 }), update(ALICE, { id: 11, mentions: [SELF] })),
      ).toEqual({ action: 'skip', reason: 'superseded_by_human' });
      expect(
        decide(state({ agentChain: 1, newestHumanUpdateId: 10 }), update(ALICE, { id: 11, mentions: [SELF] })),
      ).toEqual({ action: 'reply' });
    });

    it('follows the persona limit', () => {
      const longer = state({ policy: { humans: 'every-message', maxAgentChain: 4 } });
      expect(decide({ ...longer, agentChain: 3 }, update(ALICE, { mentions: [SELF] }))).toEqual({ action: 'reply' });
      expect(decide({ ...longer, agentChain: 4 }, update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'agent_chain_limit',
      });
      const single = state({ policy: { humans: 'every-message', maxAgentChain: 1 } });
      expect(decide({ ...single, agentChain: 1 }, update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'agent_chain_limit',
      });
    });
  });

  describe('while generating', () => {
    it('folds a message that deserves a reply into the next turn', () => {
      expect(decide(state({ isGenerating: true }), update(BOB))).toEqual({ action: 'fold' });
      expect(decide(state({ isGenerating: true, agentChain: 1 }), update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'fold',
      });
    });

    it('still skips what it would never answer', () => {
      expect(decide(state({ isGenerating: true }), update(SELF))).toEqual({ action: 'skip', reason: 'own_message' });
      expect(decide(state({ isGenerating: true }), update(ALICE))).toEqual({ action: 'skip', reason: 'not_mentioned' });
      expect(decide(state({ isGenerating: true }), update(BOB, { id: 5 }))).toEqual({
        action: 'skip',
        reason: 'history',
      });
    });

    it('folds even when a limit is hit; the next turn checks the limits again', () => {
      expect(decide(state({ isGenerating: true, tokensUsedToday: 5000 }), update(BOB))).toEqual({ action: 'fold' });
    });
  });

  describe('replies per minute', () => {
    it('skips once the limit of turns in the last minute is reached', () => {
      const starts = [NOW - 50_000, NOW - 20_000, NOW - 1];
      expect(decide(state({ turnStartsMs: starts }), update(BOB))).toEqual({
        action: 'skip',
        reason: 'reply_rate_limit',
      });
    });

    it('counts only the last 60 s', () => {
      const starts = [NOW - 60_000, NOW - 59_999, NOW - 1];
      expect(decide(state({ turnStartsMs: starts }), update(BOB))).toEqual({ action: 'reply' });
    });

    it('applies to mentioning agents too', () => {
      const starts = [NOW - 3, NOW - 2, NOW - 1];
      expect(decide(state({ turnStartsMs: starts, agentChain: 1 }), update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'reply_rate_limit',
      });
    });
  });

  describe('daily token budget', () => {
    it('skips once the tokens used today reach the budget', () => {
      expect(decide(state({ tokensUsedToday: 1000 }), update(BOB))).toEqual({ action: 'skip', reason: 'token_budget' });
      expect(decide(state({ tokensUsedToday: 1500 }), update(BOB))).toEqual({ action: 'skip', reason: 'token_budget' });
    });

    it('replies while below the budget', () => {
      expect(decide(state({ tokensUsedToday: 999 }), update(BOB))).toEqual({ action: 'reply' });
    });
  });

  describe('server backoff', () => {
    it('skips until a rate_limited backoff ends, for humans and agents alike', () => {
      const backoff = { untilMs: NOW + 1000, code: 'rate_limited' as const };
      expect(decide(state({ serverBackoff: backoff }), update(BOB))).toEqual({
        action: 'skip',
        reason: 'server_backoff',
      });
      expect(decide(state({ serverBackoff: backoff, nowMs: NOW + 1000 }), update(BOB))).toEqual({ action: 'reply' });
    });

    it('skips agents during an agent_turn_limit backoff but lets a human lift it', () => {
      const backoff = { untilMs: NOW + 30_000, code: 'agent_turn_limit' as const };
      expect(decide(state({ serverBackoff: backoff, agentChain: 1 }), update(ALICE, { mentions: [SELF] }))).toEqual({
        action: 'skip',
        reason: 'server_backoff',
      });
      expect(decide(state({ serverBackoff: backoff }), update(BOB))).toEqual({ action: 'reply' });
    });
  });
});

describe('checkLimits', () => {
  it('checks the backoff before the rate and the rate before the budget', () => {
    const everything = state({
      serverBackoff: { untilMs: NOW + 1, code: 'rate_limited' },
      turnStartsMs: [NOW, NOW, NOW],
      tokensUsedToday: 1000,
    });
    expect(checkLimits(everything, { isFromHuman: true })).toEqual({ action: 'skip', reason: 'server_backoff' });
    expect(checkLimits({ ...everything, serverBackoff: undefined }, { isFromHuman: true })).toEqual({
      action: 'skip',
      reason: 'reply_rate_limit',
    });
    expect(checkLimits({ ...everything, serverBackoff: undefined, turnStartsMs: [] }, { isFromHuman: true })).toEqual({
      action: 'skip',
      reason: 'token_budget',
    });
  });
});

describe('noticeLimit', () => {
  it('logs a limit once while it keeps being hit', () => {
    const first = noticeLimit(undefined, { action: 'skip', reason: 'token_budget' });
    expect(first).toEqual({ shouldLog: true, lastAnnounced: 'token_budget' });
    const again = noticeLimit(first.lastAnnounced, { action: 'skip', reason: 'token_budget' });
    expect(again).toEqual({ shouldLog: false, lastAnnounced: 'token_budget' });
  });

  it('logs a different limit, and the same one again after a turn ran', () => {
    expect(noticeLimit('token_budget', { action: 'skip', reason: 'reply_rate_limit' })).toEqual({
      shouldLog: true,
      lastAnnounced: 'reply_rate_limit',
    });
    const afterTurn = noticeLimit('reply_rate_limit', { action: 'reply' });
    expect(afterTurn).toEqual({ shouldLog: false, lastAnnounced: undefined });
    expect(noticeLimit(afterTurn.lastAnnounced, { action: 'skip', reason: 'reply_rate_limit' }).shouldLog).toBe(true);
  });

  it('ignores skips that are not limits and folds', () => {
    expect(noticeLimit('token_budget', { action: 'skip', reason: 'not_mentioned' })).toEqual({
      shouldLog: false,
      lastAnnounced: 'token_budget',
    });
    expect(noticeLimit(undefined, { action: 'fold' })).toEqual({ shouldLog: false, lastAnnounced: undefined });
  });
});
