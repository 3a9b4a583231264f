import type { Timite } from '@tim/protocol';
import { planAbilityCall, planAbilityOutcome, planTimeout, streakAfterOutcome } from './ability-rules';
import type { AbilityOutcomeUpdate, NewAbilityCall, NewAbilityOutcome } from './storage';

const ann: Timite = { id: 1, nick: 'ann', kind: 'human' };
const bot: Timite = { id: 2, nick: 'bot', kind: 'agent' };
const at = new Date('2026-01-02T03:04:05.678Z');

function callBy(caller: Timite, maxAgentStreak = 3): NewAbilityCall {
  return {
    spaceId: 'main',
    callerId: caller.id,
    targetId: bot.id,
    ability: 'search',
    arguments: {},
    createdAt: at,
    deadline: at,
    maxAgentStreak,
  };
}

function answerBy(answerer: Timite): NewAbilityOutcome {
  return { spaceId: 'main', callId: 4, answererId: answerer.id, createdAt: at, status: 'ok', result: 'done' };
}

const earlier: AbilityOutcomeUpdate = {
  id: 5,
  spaceId: 'main',
  at: at.toISOString(),
  event: { type: 'ability_outcome', callId: 4, target: bot, status: 'timed_out' },
};

describe('planAbilityCall', () => {
  it("takes the space's next id; an agent's call extends the streak, a human's ends it", () => {
    const space = { headId: 7, agentStreak: 2 };
    expect(planAbilityCall(callBy(bot), { space, caller: bot, target: bot })).toEqual({
      action: 'insert',
      updateId: 8,
      agentStreak: 3,
      caller: bot,
      target: bot,
    });
    expect(planAbilityCall(callBy(ann), { space, caller: ann, target: bot })).toMatchObject({ agentStreak: 0 });
  });

  it("refuses an agent's call at the limit, never a human's", () => {
    const space = { headId: 7, agentStreak: 3 };
    expect(planAbilityCall(callBy(bot), { space, caller: bot, target: bot })).toEqual({
      action: 'answer',
      result: { outcome: 'agent_turn_limit' },
    });
    expect(planAbilityCall(callBy(ann, 0), { space, caller: ann, target: bot })).toMatchObject({ action: 'insert' });
  });

  it('answers space_not_found for a missing space, and throws for a timite the domain did not resolve', () => {
    expect(planAbilityCall(callBy(ann), { space: undefined, caller: ann, target: bot })).toEqual({
      action: 'answer',
      result: { outcome: 'space_not_found' },
    });
    expect(() => planAbilityCall(callBy(ann), { space: undefined, caller: ann, target: undefined })).toThrow(
      /unknown target/,
    );
  });
});

describe('planAbilityOutcome', () => {
  const space = { headId: 9, agentStreak: 3 };

  it('asks in order: the call, who answers, whether it has an outcome', () => {
    expect(planAbilityOutcome(answerBy(bot), { space, call: undefined, existing: undefined })).toEqual({
      action: 'answer',
      result: { outcome: 'not_found' },
    });
    expect(planAbilityOutcome(answerBy(ann), { space, call: { target: bot }, existing: earlier })).toEqual({
      action: 'answer',
      result: { outcome: 'forbidden' },
    });
    expect(planAbilityOutcome(answerBy(bot), { space, call: { target: bot }, existing: earlier })).toEqual({
      action: 'answer',
      result: { outcome: 'already_answered', update: earlier },
    });
  });

  it("is never refused by the streak: an agent's answer goes past the limit, a human's ends the run", () => {
    expect(planAbilityOutcome(answerBy(bot), { space, call: { target: bot }, existing: undefined })).toEqual({
      action: 'insert',
      updateId: 10,
      agentStreak: 4,
      target: bot,
    });
    expect(planAbilityOutcome(answerBy(ann), { space, call: { target: ann }, existing: undefined })).toMatchObject({
      agentStreak: 0,
    });
  });
});

describe('timeouts in the streak', () => {
  it("count as the agent target's turn and leave a human target's run as it was", () => {
    expect(planTimeout({ headId: 3, agentStreak: 2 }, bot)).toEqual({ updateId: 4, agentStreak: 3 });
    expect(planTimeout({ headId: 3, agentStreak: 2 }, ann)).toEqual({ updateId: 4, agentStreak: 2 });
    expect(streakAfterOutcome(2, ann, 'error')).toBe(0);
  });
});
