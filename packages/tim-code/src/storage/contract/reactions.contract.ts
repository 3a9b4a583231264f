import type { Timite, Update } from '@tim/protocol';
import { changedUpdate, messageAfter, useChangeStorage } from './change-fixture';
import { messageIn, msAfterT0 } from './fixture';
import type { MakeFullStorage } from './fixture';

export function describeReactionsContract(makeStorage: MakeFullStorage): void {
  describe('changeReaction', () => {
    const fixture = useChangeStorage(makeStorage);

    it('adds a reaction and appends a reaction update that carries the whole set', async () => {
      const ann = await fixture.createHuman('ann');
      const bot = await fixture.createAgent('bot');
      const message = await fixture.appendMessage({ sender: ann });
      const at = msAfterT0(3_000);
      const result = await fixture.react({ timite: bot, messageId: message.id, emoji: '👍', at });
      const reactions = [{ emoji: '👍', timites: [bot] }];
      const expectedUpdate: Update = {
        id: 2,
        spaceId: 'main',
        at: at.toISOString(),
        event: { type: 'reaction', messageId: message.id, emoji: '👍', timite: bot, added: true, reactions },
      };
      expect(result).toEqual({
        outcome: 'changed',
        update: expectedUpdate,
        current: { message: { ...message, reactions }, updateId: 1 },
      });
      expect(await fixture.current(message.id)).toEqual({ message: { ...message, reactions }, updateId: 1 });
      expect(await fixture.timeline()).toEqual([
        {
          id: 1,
          spaceId: 'main',
          at: message.createdAt,
          event: { type: 'message', message: { ...message, reactions } },
        },
        expectedUpdate,
      ]);
    });

    it('takes a reaction back; a message without reactions has none listed', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann });
      changedUpdate(await fixture.react({ timite: bob, messageId: message.id, emoji: ':+1:' }));
      const result = await fixture.react({ timite: bob, messageId: message.id, emoji: ':+1:', add: false });
      expect(changedUpdate(result)).toMatchObject({
        id: 3,
        event: { type: 'reaction', messageId: message.id, emoji: ':+1:', timite: bob, added: false, reactions: [] },
      });
      expect(messageAfter(result)).toEqual(message);
      expect(await fixture.current(message.id)).toEqual({ message, updateId: 1 });
      expect('reactions' in messageIn((await fixture.timeline())[0])).toBe(false);
    });

    it('answers unchanged when the reaction is there already or gone already, appending nothing', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann });
      changedUpdate(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍' }));
      const current = await fixture.current(message.id);
      expect(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍' })).toEqual({
        outcome: 'unchanged',
        current,
      });
      expect(await fixture.react({ timite: ann, messageId: message.id, emoji: '👍', add: false })).toEqual({
        outcome: 'unchanged',
        current,
      });
      expect(await fixture.react({ timite: bob, messageId: message.id, emoji: '🎉', add: false })).toEqual({
        outcome: 'unchanged',
        current,
      });
      expect(await fixture.storage().headId('main')).toBe(2);
    });

    it('lists emoji in the order first used and timites in the order they reacted', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const cat = await fixture.createHuman('cat');
      const message = await fixture.appendMessage({ sender: ann });
      const react = (timite: typeof ann, emoji: string, add = true) =>
        fixture.react({ timite, messageId: message.id, emoji, add });
      changedUpdate(await react(bob, '👍'));
      changedUpdate(await react(ann, '❤️'));
      changedUpdate(await react(cat, '👍'));
      changedUpdate(await react(ann, '👍'));
      changedUpdate(await react(cat, '🎉'));
      expect(messageAfter(await react(bob, '👍'))).toMatchObject({
        reactions: [
          { emoji: '👍', timites: [bob, cat, ann] },
          { emoji: '❤️', timites: [ann] },
          { emoji: '🎉', timites: [cat] },
        ],
      });
      changedUpdate(await react(bob, '👍', false));
      changedUpdate(await react(bob, '👍'));
      changedUpdate(await react(ann, '❤️', false));
      const last = await react(bob, '❤️');
      const reactions = [
        { emoji: '👍', timites: [cat, ann, bob] },
        { emoji: '🎉', timites: [cat] },
        { emoji: '❤️', timites: [bob] },
      ];
      expect(changedUpdate(last).event).toMatchObject({ type: 'reaction', reactions });
      expect((await fixture.current(message.id)).message.reactions).toEqual(reactions);
    });

    it('answers reaction_limit for a new emoji past maxEmojiPerMessage, but lets others join an emoji', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann });
      const react = (timite: typeof ann, emoji: string) =>
        fixture.react({ timite, messageId: message.id, emoji, maxEmojiPerMessage: 2 });
      changedUpdate(await react(bob, '👍'));
      changedUpdate(await react(bob, '❤️'));
      expect(await react(ann, '🎉')).toEqual({ outcome: 'reaction_limit' });
      changedUpdate(await react(ann, '❤️'));
      expect((await react(ann, '❤️')).outcome).toBe('unchanged');
      expect(await fixture.storage().headId('main')).toBe(4);
    });

    it('answers reaction_limit past maxReactionsPerTimite for that timite on that message only', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const first = await fixture.appendMessage({ sender: ann });
      const second = await fixture.appendMessage({ sender: ann });
      const react = (timite: typeof ann, messageId: number, emoji: string, add = true) =>
        fixture.react({ timite, messageId, emoji, add, maxReactionsPerTimite: 2 });
      changedUpdate(await react(bob, first.id, 'a'));
      changedUpdate(await react(bob, first.id, 'b'));
      expect(await react(bob, first.id, 'c')).toEqual({ outcome: 'reaction_limit' });
      expect((await react(bob, first.id, 'a')).outcome).toBe('unchanged');
      changedUpdate(await react(ann, first.id, 'c'));
      changedUpdate(await react(bob, second.id, 'c'));
      changedUpdate(await react(bob, first.id, 'a', false));
      changedUpdate(await react(bob, first.id, 'c'));
      expect((await fixture.current(first.id)).message.reactions).toEqual([
        { emoji: 'b', timites: [bob] },
        { emoji: 'c', timites: [ann, bob] },
      ]);
    });

    it('loses no reaction when many timites react at once, and holds each to its limits', async () => {
      const ann = await fixture.createHuman('ann');
      const message = await fixture.appendMessage({ sender: ann });
      const others: Timite[] = [];
      for (let i = 0; i < 12; i += 1) others.push(await fixture.createHuman(`reactor${i}`));
      const together = await Promise.all(
        others.map((timite) => fixture.react({ timite, messageId: message.id, emoji: '👍' })),
      );
      const updates = together.map(changedUpdate).sort((a, b) => a.id - b.id);
      const { reactions } = (await fixture.current(message.id)).message;
      expect(reactions).toHaveLength(1);
      expect(new Set(reactions?.[0]?.timites.map((timite) => timite.id))).toEqual(new Set(others.map((t) => t.id)));
      expect(updates.at(-1)?.event).toMatchObject({ type: 'reaction', reactions });

      const emoji = ['a', 'b', 'c', 'd', 'e'];
      const limited = await Promise.all(
        emoji.map((e) => fixture.react({ timite: ann, messageId: message.id, emoji: e, maxReactionsPerTimite: 3 })),
      );
      expect(limited.filter((result) => result.outcome === 'changed')).toHaveLength(3);
      expect(limited.filter((result) => result.outcome === 'reaction_limit')).toHaveLength(2);
      const crowded = await Promise.all(
        ['x', 'y', 'z'].map((e, i) =>
          fixture.react({ timite: others[i] ?? ann, messageId: message.id, emoji: e, maxEmojiPerMessage: 5 }),
        ),
      );
      expect(crowded.filter((result) => result.outcome === 'changed')).toHaveLength(1);
      expect((await fixture.current(message.id)).message.reactions).toHaveLength(5);
      expect(await fixture.storage().headId('main')).toBe(1 + 12 + 3 + 1);
    });

    it('answers deleted for a tombstone and not_found for a message it cannot find', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.createSpace('other');
      const message = await fixture.appendMessage({ sender: ann });
      const elsewhere = await fixture.appendMessage({ sender: ann, spaceId: 'other' });
      changedUpdate(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍' }));
      changedUpdate(await fixture.delete({ actor: ann, messageId: message.id }));
      const tombstone = await fixture.current(message.id);
      expect('reactions' in tombstone.message).toBe(false);
      expect(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍' })).toEqual({
        outcome: 'deleted',
        current: tombstone,
      });
      expect(await fixture.react({ timite: bob, messageId: message.id, emoji: '👍', add: false })).toEqual({
        outcome: 'deleted',
        current: tombstone,
      });
      expect(await fixture.react({ timite: bob, messageId: elsewhere.id, emoji: '👍' })).toEqual({
        outcome: 'not_found',
      });
      expect(await fixture.react({ timite: bob, messageId: 999_999, emoji: '👍' })).toEqual({ outcome: 'not_found' });
      expect(await fixture.storage().headId('main')).toBe(3);
      expect(await fixture.storage().headId('other')).toBe(1);
    });
  });
}
