import { messageIn, msAfterT0, useStorage } from './fixture';
import type { MakeStorage } from './fixture';

export function describeReadUpdatesContract(makeStorage: MakeStorage): void {
  describe('readUpdates and headId', () => {
    const fixture = useStorage(makeStorage);

    async function appendTen(): Promise<void> {
      const ann = await fixture.createHuman('ann');
      for (let i = 1; i <= 10; i += 1) {
        await fixture.appendCreated({ sender: ann, content: `message ${i}`, createdAt: msAfterT0(i) });
      }
    }

    async function idsOf(
      range: { after: number; limit: number } | { before: number; limit: number },
    ): Promise<number[]> {
      return (await fixture.storage().readUpdates('main', range)).map((update) => update.id);
    }

    it('reads the updates after an id, ascending, at most limit', async () => {
      await appendTen();
      expect(await idsOf({ after: 0, limit: 100 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await idsOf({ after: 3, limit: 4 })).toEqual([4, 5, 6, 7]);
      expect(await idsOf({ after: 9, limit: 4 })).toEqual([10]);
      expect(await idsOf({ after: 10, limit: 4 })).toEqual([]);
    });

    it('reads the limit updates just before an id, ascending', async () => {
      await appendTen();
      expect(await idsOf({ before: 8, limit: 3 })).toEqual([5, 6, 7]);
      expect(await idsOf({ before: 3, limit: 5 })).toEqual([1, 2]);
      expect(await idsOf({ before: 1, limit: 5 })).toEqual([]);
      expect(await idsOf({ before: 1_000, limit: 2 })).toEqual([9, 10]);
    });

    it('returns each update with its own message, in id order', async () => {
      await appendTen();
      const updates = await fixture.storage().readUpdates('main', { after: 4, limit: 2 });
      expect(updates.map((update) => messageIn(update).content)).toEqual(['message 5', 'message 6']);
      expect(updates.map((update) => update.at)).toEqual([msAfterT0(5).toISOString(), msAfterT0(6).toISOString()]);
    });

    it('reads nothing from an empty or unknown space', async () => {
      expect(await fixture.storage().readUpdates('main', { after: 0, limit: 10 })).toEqual([]);
      expect(await fixture.storage().readUpdates('main', { before: 5, limit: 10 })).toEqual([]);
      expect(await fixture.storage().readUpdates('nowhere', { after: 0, limit: 10 })).toEqual([]);
    });

    it('gives the newest update id as headId, 0 when empty or unknown', async () => {
      expect(await fixture.storage().headId('main')).toBe(0);
      expect(await fixture.storage().headId('nowhere')).toBe(0);
      await appendTen();
      expect(await fixture.storage().headId('main')).toBe(10);
    });
  });

  describe('ping and close', () => {
    const fixture = useStorage(makeStorage);

    it('answers ping while open and refuses work once closed', async () => {
      await expect(fixture.storage().ping()).resolves.toBeUndefined();
      await fixture.storage().close();
      await expect(fixture.storage().ping()).rejects.toHaveProperty('message');
      await expect(fixture.storage().headId('main')).rejects.toHaveProperty('message');
    });

    it('closes more than once without failing', async () => {
      await fixture.storage().close();
      await expect(fixture.storage().close()).resolves.toBeUndefined();
    });
  });
}
