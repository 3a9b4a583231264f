import type { Update } from '@tim/protocol';
import { changedUpdate, useChangeStorage } from './change-fixture';
import { messageIn, msAfterT0 } from './fixture';
import type { MakeFullStorage } from './fixture';

export function describeChangeTimelineContract(makeStorage: MakeFullStorage): void {
  describe('changes in the timeline', () => {
    const fixture = useChangeStorage(makeStorage);

    /**
     * 1 m1, 2 m2, 3 edit m1, 4 reaction m2, 5 m3, 6 delete m2, 7 m4: every change returned
     * the update that readUpdates gives back at its place.
     */
    async function mixedTimeline(): Promise<{ changes: Update[]; messageIds: number[] }> {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const m1 = await fixture.appendMessage({ sender: ann, content: 'one', createdAt: msAfterT0(1) });
      const m2 = await fixture.appendMessage({ sender: bob, content: 'two', createdAt: msAfterT0(2) });
      const edit = await fixture.edit({ editor: ann, messageId: m1.id, content: 'one!', editedAt: msAfterT0(3) });
      const reaction = await fixture.react({ timite: ann, messageId: m2.id, emoji: '👍', at: msAfterT0(4) });
      const m3 = await fixture.appendMessage({ sender: ann, content: 'three', createdAt: msAfterT0(5) });
      const deletion = await fixture.delete({ actor: bob, messageId: m2.id, deletedAt: msAfterT0(6) });
      const m4 = await fixture.appendMessage({ sender: bob, content: 'four', createdAt: msAfterT0(7) });
      return {
        changes: [changedUpdate(edit), changedUpdate(reaction), changedUpdate(deletion)],
        messageIds: [m1.id, m2.id, m3.id, m4.id],
      };
    }

    it('merges messages and changes by update id, each message as it is now', async () => {
      const { changes, messageIds } = await mixedTimeline();
      const timeline = await fixture.timeline();
      expect(timeline.map((update) => update.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(timeline.map((update) => update.event.type)).toEqual([
        'message',
        'message',
        'message_edited',
        'reaction',
        'message',
        'message_deleted',
        'message',
      ]);
      expect(timeline.map((update) => update.at)).toEqual(
        [1, 2, 3, 4, 5, 6, 7].map((ms) => msAfterT0(ms).toISOString()),
      );
      expect([timeline[2], timeline[3], timeline[5]]).toEqual(changes);
      expect(messageIn(timeline[0])).toMatchObject({ id: messageIds[0], content: 'one!' });
      expect(messageIn(timeline[1])).toMatchObject({ id: messageIds[1], content: '', deletedAt: expect.any(String) });
      expect(await fixture.storage().headId('main')).toBe(7);
    });

    it('pages through the merged timeline in both directions', async () => {
      await mixedTimeline();
      const all = await fixture.timeline();
      const read = async (range: { after: number; limit: number } | { before: number; limit: number }) =>
        fixture.storage().readUpdates('main', range);
      expect(await read({ after: 2, limit: 3 })).toEqual(all.slice(2, 5));
      expect(await read({ after: 5, limit: 10 })).toEqual(all.slice(5));
      expect(await read({ before: 7, limit: 3 })).toEqual(all.slice(3, 6));
      expect(await read({ before: 4, limit: 10 })).toEqual(all.slice(0, 3));
      expect(await read({ before: 100, limit: 2 })).toEqual(all.slice(5));
      expect(await read({ after: 7, limit: 10 })).toEqual([]);
      const forward: Update[] = [];
      for (let after = 0; after < 7; after += 2) forward.push(...(await read({ after, limit: 2 })));
      expect(forward).toEqual(all);
      const backward: Update[] = [];
      for (let before = 8; before > 1; before -= 3) backward.unshift(...(await read({ before, limit: 3 })));
      expect(backward).toEqual(all);
    });

    it('keeps the agent streak: changes neither end nor extend it', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const mine = await fixture.appendMessage({ sender: ann });
      const answer = await fixture.appendMessage({ sender: bot, maxAgentStreak: 1 });
      changedUpdate(await fixture.edit({ editor: ann, messageId: mine.id, content: 'edited' }));
      changedUpdate(await fixture.react({ timite: ann, messageId: answer.id, emoji: '👍' }));
      changedUpdate(await fixture.delete({ actor: ann, messageId: mine.id }));
      expect(await fixture.append({ sender: bot, maxAgentStreak: 1 })).toEqual({ outcome: 'agent_turn_limit' });

      await fixture.appendCreated({ sender: ann });
      changedUpdate(await fixture.edit({ editor: bot, messageId: answer.id, content: 'better answer' }));
      changedUpdate(await fixture.react({ timite: bot, messageId: answer.id, emoji: '🤖' }));
      expect(await fixture.appendCreated({ sender: bot, maxAgentStreak: 1 })).toBe(9);
    });

    it('assigns gapless ids when messages, edits and reactions race across spaces, losing no change', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.createSpace('alpha');
      const spaceIds = ['main', 'alpha'];
      const targets = new Map<string, number>();
      for (const spaceId of spaceIds) targets.set(spaceId, (await fixture.appendMessage({ sender: ann, spaceId })).id);
      const rounds = 60;
      const results = await Promise.all(
        Array.from({ length: rounds }, (_, i) => {
          const spaceId = spaceIds[i % 2] ?? 'main';
          const messageId = targets.get(spaceId) ?? 0;
          if (i % 3 === 0) return fixture.append({ sender: bob, spaceId, content: `message ${i}` });
          if (i % 3 === 1) return fixture.edit({ editor: ann, spaceId, messageId, content: `edit ${i}` });
          const limits = { maxEmojiPerMessage: 100, maxReactionsPerTimite: 100 };
          return fixture.react({ timite: bob, spaceId, messageId, emoji: `e${i}`, ...limits });
        }),
      );
      const returned = results.map((result) => {
        if (result.outcome === 'created' || result.outcome === 'changed') return result.update;
        throw new Error(`Expected every change to succeed, got ${JSON.stringify(result)}`);
      });
      for (const spaceId of spaceIds) {
        const timeline = await fixture.timeline(spaceId);
        const count = rounds / spaceIds.length + 1;
        expect(timeline.map((update) => update.id)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expect(await fixture.storage().headId(spaceId)).toBe(count);
        const mine = returned.filter((update) => update.spaceId === spaceId);
        for (const update of mine) expect(timeline[update.id - 1]).toEqual(update);

        const changes = timeline.slice(1);
        const lastEdit = changes.filter((update) => update.event.type === 'message_edited').at(-1);
        const reactions = changes.flatMap((update) => (update.event.type === 'reaction' ? [update.event.emoji] : []));
        const target = (await fixture.current(targets.get(spaceId) ?? 0, spaceId)).message;
        expect(target.content).toBe(lastEdit?.event.type === 'message_edited' ? lastEdit.event.content : undefined);
        expect(target.reactions?.map((reaction) => reaction.emoji)).toEqual(reactions);
      }
    });

    it('numbers changes per space, like messages', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const inMain = await fixture.appendMessage({ sender: ann, spaceId: 'main' });
      const inOther = await fixture.appendMessage({ sender: ann, spaceId: 'other' });
      await fixture.appendCreated({ sender: ann, spaceId: 'other' });
      const edit = await fixture.edit({ editor: ann, messageId: inMain.id, spaceId: 'main' });
      const reaction = await fixture.react({ timite: ann, messageId: inOther.id, emoji: '👍', spaceId: 'other' });
      expect(changedUpdate(edit)).toMatchObject({ id: 2, spaceId: 'main' });
      expect(changedUpdate(reaction)).toMatchObject({ id: 3, spaceId: 'other' });
      expect(await fixture.storage().headId('main')).toBe(2);
      expect(await fixture.storage().headId('other')).toBe(3);
    });
  });
}
