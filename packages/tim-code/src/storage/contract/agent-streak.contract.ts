import type { MakeStorage } from './fixture';
import { useStorage } from './fixture';

export function describeAgentStreakContract(makeStorage: MakeStorage): void {
  describe('appendMessage agent loop guard', () => {
    const fixture = useStorage(makeStorage);

    it('refuses an agent after maxAgentStreak consecutive agent messages and stores nothing', async () => {
      const one = await fixture.createAgent('one');
      const two = await fixture.createAgent('two');
      await fixture.appendCreated({ sender: one, maxAgentStreak: 3 });
      await fixture.appendCreated({ sender: two, maxAgentStreak: 3 });
      await fixture.appendCreated({ sender: one, maxAgentStreak: 3 });
      expect(await fixture.append({ sender: two, maxAgentStreak: 3 })).toEqual({ outcome: 'agent_turn_limit' });
      expect(await fixture.append({ sender: one, maxAgentStreak: 3 })).toEqual({ outcome: 'agent_turn_limit' });
      expect(await fixture.storage().headId('main')).toBe(3);
      expect(await fixture.storage().readUpdates('main', { after: 0, limit: 10 })).toHaveLength(3);
    });

    it('lets agents post again once a human posts in the space', async () => {
      const bot = await fixture.createAgent('bot');
      const ann = await fixture.createHuman('ann');
      await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 });
      expect((await fixture.append({ sender: bot, maxAgentStreak: 2 })).outcome).toBe('agent_turn_limit');
      expect(await fixture.appendCreated({ sender: ann, maxAgentStreak: 2 })).toBe(3);
      expect(await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 })).toBe(4);
      expect(await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 })).toBe(5);
      expect((await fixture.append({ sender: bot, maxAgentStreak: 2 })).outcome).toBe('agent_turn_limit');
    });

    it('never limits humans', async () => {
      const bot = await fixture.createAgent('bot');
      const ann = await fixture.createHuman('ann');
      await fixture.appendCreated({ sender: bot, maxAgentStreak: 1 });
      expect(await fixture.appendCreated({ sender: ann, maxAgentStreak: 0 })).toBe(2);
      expect(await fixture.appendCreated({ sender: ann, maxAgentStreak: 0 })).toBe(3);
    });

    it('counts the streak per space', async () => {
      const bot = await fixture.createAgent('bot');
      await fixture.createSpace('other');
      await fixture.appendCreated({ sender: bot, spaceId: 'main', maxAgentStreak: 1 });
      expect((await fixture.append({ sender: bot, spaceId: 'main', maxAgentStreak: 1 })).outcome).toBe(
        'agent_turn_limit',
      );
      expect(await fixture.appendCreated({ sender: bot, spaceId: 'other', maxAgentStreak: 1 })).toBe(1);
    });

    it('compares the stored streak with the limit given on each append', async () => {
      const bot = await fixture.createAgent('bot');
      await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 });
      await fixture.appendCreated({ sender: bot, maxAgentStreak: 2 });
      expect((await fixture.append({ sender: bot, maxAgentStreak: 2 })).outcome).toBe('agent_turn_limit');
      expect(await fixture.appendCreated({ sender: bot, maxAgentStreak: 3 })).toBe(3);
    });

    it('answers a retried agent message as a duplicate even when the space is at its limit', async () => {
      const bot = await fixture.createAgent('bot');
      const first = await fixture.append({ sender: bot, clientMsgId: 'c-1', maxAgentStreak: 1 });
      const retry = await fixture.append({ sender: bot, clientMsgId: 'c-1', maxAgentStreak: 1 });
      expect(retry).toEqual({ outcome: 'duplicate', update: first.outcome === 'created' ? first.update : undefined });
    });
  });
}
