import { useChangeStorage } from './change-fixture';
import { messageIn } from './fixture';
import type { MakeFullStorage } from './fixture';

export function describeRepliesContract(makeStorage: MakeFullStorage): void {
  describe('appendMessage with replyTo, and getMessage', () => {
    const fixture = useChangeStorage(makeStorage);

    it('stores the message it answers, and shows it in the update, readUpdates and getMessage', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      const original = await fixture.appendMessage({ sender: ann, content: 'lunch?' });
      const result = await fixture.append({ sender: bob, content: 'yes', replyTo: original.id });
      expect(result.outcome).toBe('created');
      if (result.outcome !== 'created') return;
      expect(messageIn(result.update).replyTo).toBe(original.id);
      expect(await fixture.timeline()).toEqual([expect.anything(), result.update]);
      expect(await fixture.storage().getMessage({ spaceId: 'main', messageId: original.id })).toEqual({
        message: original,
        updateId: 1,
      });
      expect(await fixture.current(messageIn(result.update).id)).toEqual({
        message: messageIn(result.update),
        updateId: 2,
      });
      expect('replyTo' in original).toBe(false);
    });

    it('answers reply_not_found for an unknown message or one of another space, and stores nothing', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const elsewhere = await fixture.appendMessage({ sender: ann, spaceId: 'other' });
      await fixture.appendCreated({ sender: ann });
      expect(await fixture.append({ sender: ann, replyTo: elsewhere.id })).toEqual({ outcome: 'reply_not_found' });
      expect(await fixture.append({ sender: ann, replyTo: 999_999 })).toEqual({ outcome: 'reply_not_found' });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('accepts a reply to a tombstone', async () => {
      const ann = await fixture.createHuman('ann');
      const original = await fixture.appendMessage({ sender: ann });
      expect((await fixture.delete({ actor: ann, messageId: original.id })).outcome).toBe('changed');
      const reply = await fixture.appendMessage({ sender: ann, content: 'as I said', replyTo: original.id });
      expect(reply.replyTo).toBe(original.id);
    });

    it('answers a clientMsgId retry with the original before it checks the reply', async () => {
      const ann = await fixture.createHuman('ann');
      const original = await fixture.appendMessage({ sender: ann });
      const first = await fixture.append({ sender: ann, clientMsgId: 'c-1', content: 'yes', replyTo: original.id });
      expect(first.outcome).toBe('created');
      if (first.outcome !== 'created') return;
      const retry = await fixture.append({ sender: ann, clientMsgId: 'c-1', content: 'yes', replyTo: 999_999 });
      expect(retry).toEqual({ outcome: 'duplicate', update: first.update });
      expect(await fixture.storage().headId('main')).toBe(2);
    });

    it('finds no message for an unknown id or another space', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const message = await fixture.appendMessage({ sender: ann });
      expect(await fixture.storage().getMessage({ spaceId: 'other', messageId: message.id })).toBeUndefined();
      expect(await fixture.storage().getMessage({ spaceId: 'main', messageId: message.id + 1 })).toBeUndefined();
      expect(await fixture.storage().getMessage({ spaceId: 'nowhere', messageId: message.id })).toBeUndefined();
    });
  });
}
