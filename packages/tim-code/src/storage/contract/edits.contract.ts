import type { Update } from '@tim/protocol';
import { changedUpdate, useChangeStorage } from './change-fixture';
import { messageIn, msAfterT0 } from './fixture';
import type { MakeFullStorage } from './fixture';

export function describeEditsContract(makeStorage: MakeFullStorage): void {
  describe('editMessage', () => {
    const fixture = useChangeStorage(makeStorage);

    it("replaces the sender's content and mentions and appends message_edited as the space's next update", async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const original = await fixture.appendMessage({ sender: ann, content: 'hi all', mentions: [] });
      await fixture.appendCreated({ sender: bob });
      const editedAt = msAfterT0(60_000);
      const result = await fixture.edit({
        editor: ann,
        messageId: original.id,
        content: 'hi @bob',
        mentions: [bob.id],
        editedAt,
      });
      const expectedUpdate: Update = {
        id: 3,
        spaceId: 'main',
        at: editedAt.toISOString(),
        event: {
          type: 'message_edited',
          messageId: original.id,
          content: 'hi @bob',
          mentions: [bob.id],
          editedAt: editedAt.toISOString(),
          editedBy: ann.id,
        },
      };
      const edited = { ...original, content: 'hi @bob', mentions: [bob.id], editedAt: editedAt.toISOString() };
      expect(result).toEqual({ outcome: 'changed', update: expectedUpdate, current: { message: edited, updateId: 1 } });
      expect(await fixture.storage().headId('main')).toBe(3);
      expect(await fixture.current(original.id)).toEqual({ message: edited, updateId: 1 });
      const timeline = await fixture.timeline();
      expect(timeline.map((update) => update.id)).toEqual([1, 2, 3]);
      expect(messageIn(timeline[0])).toEqual(edited);
      expect(timeline[2]).toEqual(expectedUpdate);
      expect(await fixture.appendCreated({ sender: bob })).toBe(4);
    });

    it('appends an update for every edit, also when the content stays the same, and keeps the last', async () => {
      const ann = await fixture.createHuman('ann');
      const message = await fixture.appendMessage({ sender: ann, content: 'same' });
      changedUpdate(
        await fixture.edit({ editor: ann, messageId: message.id, content: 'same', editedAt: msAfterT0(1) }),
      );
      changedUpdate(await fixture.edit({ editor: ann, messageId: message.id, content: 'v2', editedAt: msAfterT0(2) }));
      const last = await fixture.edit({ editor: ann, messageId: message.id, content: 'v3', editedAt: msAfterT0(3) });
      expect(changedUpdate(last).id).toBe(4);
      const timeline = await fixture.timeline();
      expect(timeline.map((update) => update.event.type)).toEqual([
        'message',
        'message_edited',
        'message_edited',
        'message_edited',
      ]);
      expect(timeline.map((update) => ('content' in update.event ? update.event.content : undefined))).toEqual([
        undefined,
        'same',
        'v2',
        'v3',
      ]);
      expect(messageIn(timeline[0])).toMatchObject({ content: 'v3', editedAt: msAfterT0(3).toISOString() });
    });

    it('answers forbidden to anyone but the sender and changes nothing', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann, content: 'mine' });
      expect(await fixture.edit({ editor: bob, messageId: message.id, content: 'yours' })).toEqual({
        outcome: 'forbidden',
      });
      expect(await fixture.current(message.id)).toEqual({ message, updateId: 1 });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('answers not_found for an unknown message, a message of another space or an unknown space', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const message = await fixture.appendMessage({ sender: ann, spaceId: 'other' });
      expect(await fixture.edit({ editor: ann, messageId: message.id, spaceId: 'main' })).toEqual({
        outcome: 'not_found',
      });
      expect(await fixture.edit({ editor: ann, messageId: 999_999 })).toEqual({ outcome: 'not_found' });
      expect(await fixture.edit({ editor: ann, messageId: message.id, spaceId: 'nowhere' })).toEqual({
        outcome: 'not_found',
      });
      expect(await fixture.storage().headId('main')).toBe(0);
      expect(await fixture.storage().headId('other')).toBe(1);
    });

    it('answers deleted with the tombstone for a deleted message, and forbidden to others first', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann });
      changedUpdate(await fixture.delete({ actor: ann, messageId: message.id }));
      const tombstone = await fixture.current(message.id);
      expect(await fixture.edit({ editor: ann, messageId: message.id })).toEqual({
        outcome: 'deleted',
        current: tombstone,
      });
      expect(await fixture.edit({ editor: bob, messageId: message.id })).toEqual({ outcome: 'forbidden' });
      expect(await fixture.storage().headId('main')).toBe(2);
    });

    it('keeps replyTo, clientMsgId and reactions of the message it edits', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const first = await fixture.appendMessage({ sender: bob });
      const reply = await fixture.appendMessage({ sender: ann, replyTo: first.id, clientMsgId: 'c-1' });
      changedUpdate(await fixture.react({ timite: bob, messageId: reply.id, emoji: '👍' }));
      changedUpdate(await fixture.edit({ editor: ann, messageId: reply.id, content: 'better' }));
      expect((await fixture.current(reply.id)).message).toEqual({
        ...reply,
        content: 'better',
        editedAt: expect.any(String),
        reactions: [{ emoji: '👍', timites: [bob] }],
      });
    });
  });
}
