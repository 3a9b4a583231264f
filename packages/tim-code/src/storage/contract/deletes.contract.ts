import type { Message, Update } from '@tim/protocol';
import { changedUpdate, useChangeStorage } from './change-fixture';
import { messageIn, msAfterT0 } from './fixture';
import type { MakeFullStorage } from './fixture';

export function describeDeletesContract(makeStorage: MakeFullStorage): void {
  describe('deleteMessage', () => {
    const fixture = useChangeStorage(makeStorage);

    it("turns the sender's message into a tombstone and appends message_deleted as the next update", async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann, content: 'secret plan @bob', mentions: [bob.id] });
      changedUpdate(await fixture.react({ timite: bob, messageId: message.id, emoji: '👀' }));
      const deletedAt = msAfterT0(5_000);
      const result = await fixture.delete({ actor: ann, messageId: message.id, deletedAt });
      const expectedUpdate: Update = {
        id: 3,
        spaceId: 'main',
        at: deletedAt.toISOString(),
        event: {
          type: 'message_deleted',
          messageId: message.id,
          deletedAt: deletedAt.toISOString(),
          deletedBy: ann.id,
        },
      };
      const tombstone: Message = {
        ...message,
        content: '',
        mentions: [],
        deletedAt: deletedAt.toISOString(),
        deletedBy: ann.id,
      };
      expect(result).toEqual({
        outcome: 'changed',
        update: expectedUpdate,
        current: { message: tombstone, updateId: 1 },
      });
      expect(await fixture.current(message.id)).toEqual({ message: tombstone, updateId: 1 });
      const timeline = await fixture.timeline();
      expect(timeline.map((update) => update.id)).toEqual([1, 2, 3]);
      expect(messageIn(timeline[0])).toEqual(tombstone);
      expect('reactions' in messageIn(timeline[0])).toBe(false);
      expect(timeline[2]).toEqual(expectedUpdate);
    });

    it('answers unchanged with the tombstone when the message is deleted already, appending nothing', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.appendCreated({ sender: ann });
      const message = await fixture.appendMessage({ sender: ann });
      changedUpdate(await fixture.delete({ actor: ann, messageId: message.id }));
      const tombstone = await fixture.current(message.id);
      expect(tombstone.updateId).toBe(2);
      expect(await fixture.delete({ actor: ann, messageId: message.id, deletedAt: msAfterT0(9_000) })).toEqual({
        outcome: 'unchanged',
        current: tombstone,
      });
      expect(await fixture.storage().headId('main')).toBe(3);
    });

    it('answers forbidden to anyone but the sender, unless asModerator', async () => {
      const ann = await fixture.createHuman('ann');
      const mod = await fixture.createHuman('mod');
      const message = await fixture.appendMessage({ sender: ann, content: 'rude' });
      expect(await fixture.delete({ actor: mod, messageId: message.id })).toEqual({ outcome: 'forbidden' });
      expect(await fixture.current(message.id)).toEqual({ message, updateId: 1 });
      expect(await fixture.storage().headId('main')).toBe(1);

      const result = await fixture.delete({ actor: mod, messageId: message.id, asModerator: true });
      expect(changedUpdate(result).event).toMatchObject({ type: 'message_deleted', deletedBy: mod.id });
      expect((await fixture.current(message.id)).message).toMatchObject({ content: '', deletedBy: mod.id });
      expect(await fixture.delete({ actor: mod, messageId: message.id })).toEqual({ outcome: 'forbidden' });
    });

    it('answers not_found for an unknown message, a message of another space or an unknown space', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const message = await fixture.appendMessage({ sender: ann, spaceId: 'other' });
      expect(await fixture.delete({ actor: ann, messageId: message.id })).toEqual({ outcome: 'not_found' });
      expect(await fixture.delete({ actor: ann, messageId: 999_999 })).toEqual({ outcome: 'not_found' });
      expect(await fixture.delete({ actor: ann, messageId: message.id, spaceId: 'nowhere' })).toEqual({
        outcome: 'not_found',
      });
      expect((await fixture.current(message.id, 'other')).message).toEqual(message);
    });

    it('erases the content and mentions of the earlier edits: read back they are empty', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann, content: 'first draft' });
      const editedAt = msAfterT0(1_000);
      changedUpdate(
        await fixture.edit({ editor: ann, messageId: message.id, content: 'hi @bob', mentions: [bob.id], editedAt }),
      );
      changedUpdate(await fixture.delete({ actor: ann, messageId: message.id, deletedAt: msAfterT0(2_000) }));
      const [, edited] = await fixture.timeline();
      expect(edited).toEqual({
        id: 2,
        spaceId: 'main',
        at: editedAt.toISOString(),
        event: {
          type: 'message_edited',
          messageId: message.id,
          content: '',
          mentions: [],
          editedAt: editedAt.toISOString(),
          editedBy: ann.id,
        },
      });
      expect(await fixture.storage().readUpdates('main', { before: 3, limit: 1 })).toEqual([edited]);
    });

    it('leaves other messages, and replies to the deleted one, as they were', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const message = await fixture.appendMessage({ sender: ann, content: 'gone soon' });
      const reply = await fixture.appendMessage({ sender: bob, content: 'quoting it', replyTo: message.id });
      changedUpdate(await fixture.delete({ actor: ann, messageId: message.id }));
      expect(await fixture.current(reply.id)).toEqual({ message: reply, updateId: 2 });
    });
  });
}
