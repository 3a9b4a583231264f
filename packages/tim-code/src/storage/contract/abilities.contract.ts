import type { AbilityCallUpdate } from '../storage';
import { CALL_TIMEOUT_MS, useAbilityStorage, type MakeAbilityStorage } from './ability-fixture';
import { msAfterT0, T0 } from './fixture';

export function describeAbilitiesContract(makeStorage: MakeAbilityStorage): void {
  describe('appendAbilityCall and getCall', () => {
    const fixture = useAbilityStorage(makeStorage);

    it('stores a call as the space next update, its id the call id, and reads it back', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const args = { query: 'release notes', limit: 3, filters: { tags: ['a', 'ü'], exact: null, deep: true } };
      const result = await fixture.call({ caller: ann, target: jarvis, ability: 'search', arguments: args });
      const expected: AbilityCallUpdate = {
        id: 1,
        spaceId: 'main',
        at: T0.toISOString(),
        event: {
          type: 'ability_call',
          callId: 1,
          caller: ann,
          target: jarvis,
          ability: 'search',
          arguments: args,
          deadline: msAfterT0(CALL_TIMEOUT_MS).toISOString(),
        },
      };
      expect(result).toEqual({ outcome: 'created', update: expected });
      expect(await fixture.storage().getCall('main', 1)).toEqual({ call: expected });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('takes its id in line with messages of the same space', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      expect(await fixture.appendCreated({ sender: ann })).toBe(1);
      expect((await fixture.callCreated({ caller: ann, target: jarvis })).id).toBe(2);
      expect(await fixture.appendCreated({ sender: ann })).toBe(3);
      expect(await fixture.storage().headId('main')).toBe(3);
    });

    it('answers space_not_found for a space that does not exist, and stores nothing', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      expect(await fixture.call({ caller: ann, target: jarvis, spaceId: 'nowhere' })).toEqual({
        outcome: 'space_not_found',
      });
      expect(await fixture.storage().getCall('nowhere', 1)).toBeUndefined();
    });

    it('finds a call only in its own space and only by a call id', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      await fixture.createSpace('dev');
      await fixture.appendCreated({ sender: ann });
      await fixture.callCreated({ caller: ann, target: jarvis, spaceId: 'dev' });
      expect(await fixture.storage().getCall('main', 1)).toBeUndefined();
      expect(await fixture.storage().getCall('dev', 1)).toMatchObject({ call: { spaceId: 'dev', id: 1 } });
      expect(await fixture.storage().getCall('dev', 2)).toBeUndefined();
    });

    it('returns copies: changing a result does not change the store', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const update = await fixture.callCreated({ caller: ann, target: jarvis, arguments: { list: [1, 2] } });
      update.event.arguments['list'] = 'changed';
      expect((await fixture.storage().getCall('main', 1))?.call.event.arguments).toEqual({ list: [1, 2] });
    });
  });

  describe('appendAbilityOutcome', () => {
    const fixture = useAbilityStorage(makeStorage);

    it("stores the target's result as the space next update, linked to its call", async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const call = await fixture.callCreated({ caller: ann, target: jarvis });
      const result = { hits: [{ title: 'v1.2', score: 0.5 }], more: false };
      const outcome = await fixture.answer({ answerer: jarvis, callId: call.id, result, createdAt: msAfterT0(10) });
      const expected = {
        id: 2,
        spaceId: 'main',
        at: msAfterT0(10).toISOString(),
        event: { type: 'ability_outcome', callId: 1, target: jarvis, status: 'ok', result },
      };
      expect(outcome).toEqual({ outcome: 'created', update: expected });
      expect(await fixture.storage().getCall('main', 1)).toEqual({ call, outcome: expected });
      expect(await fixture.storage().headId('main')).toBe(2);
    });

    it('keeps a text result, a JSON null result and an error apart', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const ids = [];
      for (let n = 0; n < 3; n += 1) ids.push((await fixture.callCreated({ caller: ann, target: jarvis })).id);
      const [text, nothing, failed] = ids as [number, number, number];
      await fixture.answerCreated({ answerer: jarvis, callId: text, result: 'plain text' });
      await fixture.answerCreated({ answerer: jarvis, callId: nothing, result: null });
      await fixture.answerCreated({ answerer: jarvis, callId: failed, status: 'error', error: 'index offline' });
      const outcomes = await Promise.all(ids.map((id) => fixture.storage().getCall('main', id)));
      expect(outcomes.map((found) => found?.outcome?.event)).toEqual([
        { type: 'ability_outcome', callId: text, target: jarvis, status: 'ok', result: 'plain text' },
        { type: 'ability_outcome', callId: nothing, target: jarvis, status: 'ok', result: null },
        { type: 'ability_outcome', callId: failed, target: jarvis, status: 'error', error: 'index offline' },
      ]);
    });

    it('answers not_found for an unknown call, a message, or a call of another space', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      await fixture.createSpace('dev');
      await fixture.appendCreated({ sender: ann });
      const call = await fixture.callCreated({ caller: ann, target: jarvis, spaceId: 'dev' });
      expect(await fixture.answer({ answerer: jarvis, callId: 99 })).toEqual({ outcome: 'not_found' });
      expect(await fixture.answer({ answerer: jarvis, callId: 1 })).toEqual({ outcome: 'not_found' });
      expect(await fixture.answer({ answerer: jarvis, callId: call.id, spaceId: 'nowhere' })).toEqual({
        outcome: 'not_found',
      });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('lets only the target answer, even the caller is forbidden, and stores nothing', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const jarvis = await fixture.createAgent('jarvis');
      const call = await fixture.callCreated({ caller: ann, target: jarvis });
      expect(await fixture.answer({ answerer: ann, callId: call.id })).toEqual({ outcome: 'forbidden' });
      expect(await fixture.answer({ answerer: bob, callId: call.id })).toEqual({ outcome: 'forbidden' });
      expect(await fixture.storage().getCall('main', call.id)).toEqual({ call });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('takes one answer: a second gets already_answered with the first, and others are still forbidden', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const call = await fixture.callCreated({ caller: ann, target: jarvis });
      const first = await fixture.answerCreated({ answerer: jarvis, callId: call.id, result: 'first' });
      expect(await fixture.answer({ answerer: jarvis, callId: call.id, status: 'error', error: 'again' })).toEqual({
        outcome: 'already_answered',
        update: first,
      });
      expect(await fixture.answer({ answerer: ann, callId: call.id })).toEqual({ outcome: 'forbidden' });
      expect(await fixture.storage().headId('main')).toBe(2);
    });

    it('lets a timite call its own ability and answer it', async () => {
      const jarvis = await fixture.createAgent('jarvis');
      const call = await fixture.callCreated({ caller: jarvis, target: jarvis });
      expect((await fixture.answer({ answerer: jarvis, callId: call.id })).outcome).toBe('created');
    });

    it('stores exactly one outcome when many answers and timeout sweeps race for one call', async () => {
      const ann = await fixture.createHuman('ann');
      const jarvis = await fixture.createAgent('jarvis');
      const calls: number[] = [];
      for (let n = 0; n < 5; n += 1) {
        calls.push((await fixture.callCreated({ caller: ann, target: jarvis, deadline: msAfterT0(100) })).id);
      }
      const storage = fixture.storage();
      const answers = calls.flatMap((callId) =>
        [1, 2, 3].map((n) => fixture.answer({ answerer: jarvis, callId, result: `answer ${n}` })),
      );
      const sweeps = [1, 2, 3].map(() => storage.recordTimeouts(msAfterT0(200), 100));
      const [answered, swept] = await Promise.all([Promise.all(answers), Promise.all(sweeps)]);
      const created = answered.filter((result) => result.outcome === 'created').length;
      const timedOut = swept.flat();
      expect(created + timedOut.length).toBe(calls.length);
      expect(answered.every((result) => result.outcome === 'created' || result.outcome === 'already_answered')).toBe(
        true,
      );
      expect(new Set(timedOut.map((update) => update.event.callId)).size).toBe(timedOut.length);
      for (const callId of calls) {
        const found = await storage.getCall('main', callId);
        const kept = found?.outcome;
        if (kept === undefined) throw new Error(`call ${callId} has no outcome`);
        for (const result of answered) {
          if (result.outcome === 'already_answered' && result.update.event.callId === callId) {
            expect(result.update).toEqual(kept);
          }
        }
      }
      expect(await storage.headId('main')).toBe(calls.length * 2);
    });
  });
}
