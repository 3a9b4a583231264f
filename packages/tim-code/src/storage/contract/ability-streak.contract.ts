import type { Timite } from '@tim/protocol';
import { useAbilityStorage, type MakeAbilityStorage } from './ability-fixture';
import { msAfterT0 } from './fixture';

/** The agent loop guard counts calls and outcomes with messages (issue 16). */
export function describeAbilityStreakContract(makeStorage: MakeAbilityStorage): void {
  describe('calls and outcomes in the agent loop guard', () => {
    const fixture = useAbilityStorage(makeStorage);
    const LIMIT = 3;

    async function agentMessage(sender: Timite) {
      return (await fixture.append({ sender, maxAgentStreak: LIMIT })).outcome;
    }

    it('counts an agent call like an agent message and refuses it at the limit, storing nothing', async () => {
      const one = await fixture.createAgent('one');
      const two = await fixture.createAgent('two');
      await fixture.callCreated({ caller: one, target: two, maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: two, maxAgentStreak: LIMIT });
      await fixture.callCreated({ caller: two, target: one, maxAgentStreak: LIMIT });
      expect(await fixture.call({ caller: one, target: two, maxAgentStreak: LIMIT })).toEqual({
        outcome: 'agent_turn_limit',
      });
      expect(await agentMessage(one)).toBe('agent_turn_limit');
      expect(await fixture.storage().headId('main')).toBe(3);
    });

    it("ends the streak with a human's call, and never limits a human's call", async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      for (let n = 0; n < LIMIT; n += 1) await fixture.appendCreated({ sender: bot, maxAgentStreak: LIMIT });
      expect(await agentMessage(bot)).toBe('agent_turn_limit');
      await fixture.callCreated({ caller: ann, target: bot, maxAgentStreak: 0 });
      expect(await agentMessage(bot)).toBe('created');
    });

    it("never refuses an agent's answer, and counts it: the streak goes past the limit", async () => {
      const ann = await fixture.createHuman('ann');
      const one = await fixture.createAgent('one');
      const two = await fixture.createAgent('two');
      const call = await fixture.callCreated({ caller: ann, target: two });
      await fixture.callCreated({ caller: one, target: two, maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: one, maxAgentStreak: LIMIT });
      await fixture.answerCreated({ answerer: two, callId: call.id });
      // The run was at 2 before the answer; with the answer it is at the limit.
      expect(await agentMessage(one)).toBe('agent_turn_limit');
      await fixture.appendCreated({ sender: one, maxAgentStreak: LIMIT + 10 });
      await fixture.answerCreated({ answerer: two, callId: 2 });
      expect(await fixture.storage().headId('main')).toBe(6);
    });

    it("ends the streak with a human's answer", async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const call = await fixture.callCreated({ caller: bot, target: ann, maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: LIMIT });
      expect(await agentMessage(bot)).toBe('agent_turn_limit');
      await fixture.answerCreated({ answerer: ann, callId: call.id });
      expect(await agentMessage(bot)).toBe('created');
    });

    it("counts an agent target's timeout, and leaves the streak as it is for a human target's", async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      await fixture.createSpace('dev');
      // main: an agent calls a human who never answers; the run stays at the limit.
      await fixture.callCreated({ caller: bot, target: ann, deadline: msAfterT0(100), maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: LIMIT });
      // dev: a human calls an agent that never answers; its timeout is the agent's turn.
      await fixture.callCreated({ caller: ann, target: bot, deadline: msAfterT0(100), spaceId: 'dev' });
      await fixture.appendCreated({ sender: bot, spaceId: 'dev', maxAgentStreak: LIMIT });
      await fixture.appendCreated({ sender: bot, spaceId: 'dev', maxAgentStreak: LIMIT });
      expect(await fixture.storage().recordTimeouts(msAfterT0(100), 10)).toHaveLength(2);
      expect(await agentMessage(bot)).toBe('agent_turn_limit');
      expect((await fixture.append({ sender: bot, spaceId: 'dev', maxAgentStreak: LIMIT })).outcome).toBe(
        'agent_turn_limit',
      );
    });
  });
}
