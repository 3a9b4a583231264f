import { useAbilityStorage, type MakeAbilityStorage } from './ability-fixture';
import { msAfterT0 } from './fixture';

export function describeAbilityTimeoutsContract(makeStorage: MakeAbilityStorage): void {
  describe('recordTimeouts', () => {
    const fixture = useAbilityStorage(makeStorage);

    it('records timed_out for waiting calls whose deadline passed, once, and returns what it appended', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const due = await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(100) });
      const answered = await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(100) });
      const later = await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(500) });
      await fixture.answerCreated({ answerer: jarvis, callId: answered.id });
      const storage = fixture.storage();

      expect(await storage.recordTimeouts(msAfterT0(99), 10)).toEqual([]);
      const recorded = await storage.recordTimeouts(msAfterT0(100), 10);
      const expected = {
        id: 5,
        spaceId: 'main',
        at: msAfterT0(100).toISOString(),
        event: { type: 'ability_outcome', callId: due.id, target: jarvis, status: 'timed_out' },
      };
      expect(recorded).toEqual([expected]);
      expect(await storage.getCall('main', due.id)).toEqual({ call: due, outcome: expected });
      expect(await storage.recordTimeouts(msAfterT0(200), 10)).toEqual([]);
      expect(await storage.getCall('main', later.id)).toEqual({ call: later });
      expect(await storage.headId('main')).toBe(5);
    });

    it('makes a late answer already_answered with the timeout', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const call = await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(100) });
      const [timedOut] = await fixture.storage().recordTimeouts(msAfterT0(1000), 10);
      expect(await fixture.answer({ answerer: jarvis, callId: call.id })).toEqual({
        outcome: 'already_answered',
        update: timedOut,
      });
    });

    it('records at most limit per run, oldest deadline first, in every space', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      await fixture.createSpace('dev');
      await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(300) });
      await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(100), spaceId: 'dev' });
      await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(200) });
      const storage = fixture.storage();
      const first = await storage.recordTimeouts(msAfterT0(1000), 2);
      expect(first.map((update) => [update.spaceId, update.event.callId, update.id])).toEqual([
        ['dev', 1, 2],
        ['main', 2, 3],
      ]);
      const second = await storage.recordTimeouts(msAfterT0(1000), 2);
      expect(second.map((update) => [update.spaceId, update.event.callId, update.id])).toEqual([['main', 1, 4]]);
      expect(await storage.recordTimeouts(msAfterT0(1000), 2)).toEqual([]);
    });
  });
}
