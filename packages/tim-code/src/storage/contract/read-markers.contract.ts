import type { SpaceId, SpaceUnread } from '@tim/protocol';
import { changedUpdate, useChangeStorage } from './change-fixture';
import type { MakeFullStorage } from './fixture';

export function describeReadMarkersContract(makeStorage: MakeFullStorage): void {
  describe('markRead', () => {
    const fixture = useChangeStorage(makeStorage);

    it('moves the marker forward only and answers the marker after the move', async () => {
      const ann = await fixture.createHuman('ann');
      for (let i = 0; i < 5; i += 1) await fixture.appendCreated({ sender: ann });
      expect(await fixture.storage().markRead(ann.id, 'main', 3)).toBe(3);
      expect(await fixture.storage().markRead(ann.id, 'main', 2)).toBe(3);
      expect(await fixture.storage().markRead(ann.id, 'main', 0)).toBe(3);
      expect(await fixture.storage().markRead(ann.id, 'main', 4)).toBe(4);
    });

    it('clamps the marker to the head of the space', async () => {
      const ann = await fixture.createHuman('ann');
      expect(await fixture.storage().markRead(ann.id, 'main', 10)).toBe(0);
      await fixture.appendCreated({ sender: ann });
      await fixture.appendCreated({ sender: ann });
      expect(await fixture.storage().markRead(ann.id, 'main', 10)).toBe(2);
      await fixture.appendCreated({ sender: ann });
      expect(await fixture.storage().markRead(ann.id, 'main', 10)).toBe(3);
    });

    it('ends at the furthest of concurrent moves', async () => {
      const ann = await fixture.createHuman('ann');
      for (let i = 0; i < 10; i += 1) await fixture.appendCreated({ sender: ann });
      const moves = [3, 10, 1, 7, 9, 2, 8, 4, 6, 5];
      await Promise.all(moves.map((updateId) => fixture.storage().markRead(ann.id, 'main', updateId)));
      expect(await fixture.storage().markRead(ann.id, 'main', 0)).toBe(10);
    });

    it('keeps one marker per timite and space, and answers undefined for an unknown space', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.createSpace('other');
      for (let i = 0; i < 3; i += 1) await fixture.appendCreated({ sender: ann });
      for (let i = 0; i < 3; i += 1) await fixture.appendCreated({ sender: ann, spaceId: 'other' });
      expect(await fixture.storage().markRead(ann.id, 'main', 2)).toBe(2);
      expect(await fixture.storage().markRead(bob.id, 'main', 1)).toBe(1);
      expect(await fixture.storage().markRead(ann.id, 'other', 3)).toBe(3);
      expect(await fixture.storage().markRead(ann.id, 'nowhere', 1)).toBeUndefined();
      const unread = await fixture.storage().unreadCounts(ann.id, ['main', 'other'], 100);
      expect(unread.get('main')?.readUpTo).toBe(2);
      expect(unread.get('other')?.readUpTo).toBe(3);
      expect((await fixture.storage().unreadCounts(bob.id, ['main'], 100)).get('main')?.readUpTo).toBe(1);
    });
  });

  describe('unreadCounts', () => {
    const fixture = useChangeStorage(makeStorage);

    async function countsOf(timiteId: number, spaceIds: SpaceId[], cap = 100): Promise<Record<SpaceId, SpaceUnread>> {
      return Object.fromEntries(await fixture.storage().unreadCounts(timiteId, spaceIds, cap));
    }

    it("counts others' messages after the marker, and those of them that mention the timite", async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const bot = await fixture.createAgent('bot');
      await fixture.appendCreated({ sender: bob, content: 'one' });
      await fixture.appendCreated({ sender: bob, content: 'hi @ann', mentions: [ann.id] });
      await fixture.appendCreated({ sender: ann, content: 'hi @ann, me myself', mentions: [ann.id] });
      await fixture.appendCreated({ sender: bot, content: '@ann @bob', mentions: [bob.id, ann.id] });
      await fixture.appendCreated({ sender: bob, content: 'for @bob', mentions: [bob.id] });
      expect(await countsOf(ann.id, ['main'])).toEqual({ main: { readUpTo: 0, messages: 4, mentions: 2 } });
      expect(await countsOf(bob.id, ['main'])).toEqual({ main: { readUpTo: 0, messages: 2, mentions: 1 } });
      await fixture.storage().markRead(ann.id, 'main', 2);
      expect(await countsOf(ann.id, ['main'])).toEqual({ main: { readUpTo: 2, messages: 2, mentions: 1 } });
      await fixture.storage().markRead(ann.id, 'main', 5);
      expect(await countsOf(ann.id, ['main'])).toEqual({ main: { readUpTo: 5, messages: 0, mentions: 0 } });
    });

    it('counts messages as they are now: not deleted ones, edited mentions, not the changes', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const gone = await fixture.appendMessage({ sender: bob, content: 'hi @ann', mentions: [ann.id] });
      const edited = await fixture.appendMessage({ sender: bob, content: 'hi @ann', mentions: [ann.id] });
      const late = await fixture.appendMessage({ sender: bob, content: 'hi' });
      changedUpdate(await fixture.delete({ actor: bob, messageId: gone.id }));
      changedUpdate(await fixture.edit({ editor: bob, messageId: edited.id, content: 'hi all', mentions: [] }));
      changedUpdate(await fixture.edit({ editor: bob, messageId: late.id, content: 'hi @ann', mentions: [ann.id] }));
      changedUpdate(await fixture.react({ timite: bob, messageId: late.id, emoji: '👍' }));
      expect(await countsOf(ann.id, ['main'])).toEqual({ main: { readUpTo: 0, messages: 2, mentions: 1 } });
      expect(await fixture.storage().markRead(ann.id, 'main', 3)).toBe(3);
      expect(await countsOf(ann.id, ['main'])).toEqual({ main: { readUpTo: 3, messages: 0, mentions: 0 } });
    });

    it('caps both counts', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      for (let i = 0; i < 5; i += 1) await fixture.appendCreated({ sender: bob, mentions: i < 3 ? [ann.id] : [] });
      expect(await countsOf(ann.id, ['main'], 2)).toEqual({ main: { readUpTo: 0, messages: 2, mentions: 2 } });
      expect(await countsOf(ann.id, ['main'], 4)).toEqual({ main: { readUpTo: 0, messages: 4, mentions: 3 } });
    });

    it('answers each space asked for that exists, and leaves the others out', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.createSpace('other');
      await fixture.createSpace('quiet');
      await fixture.appendCreated({ sender: bob, spaceId: 'other' });
      await fixture.appendCreated({ sender: bob, spaceId: 'main', mentions: [ann.id] });
      expect(await countsOf(ann.id, ['main', 'other', 'quiet', 'nowhere'])).toEqual({
        main: { readUpTo: 0, messages: 1, mentions: 1 },
        other: { readUpTo: 0, messages: 1, mentions: 0 },
        quiet: { readUpTo: 0, messages: 0, mentions: 0 },
      });
      expect(await countsOf(ann.id, ['other'])).toEqual({ other: { readUpTo: 0, messages: 1, mentions: 0 } });
      expect(await countsOf(ann.id, [])).toEqual({});
    });
  });
}
