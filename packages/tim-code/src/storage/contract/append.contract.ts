import type { Update } from '@tim/protocol';
import type { MakeStorage } from './fixture';
import { T0, messageIn, msAfterT0, useStorage } from './fixture';

export function describeAppendContract(makeStorage: MakeStorage): void {
  describe('appendMessage', () => {
    const fixture = useStorage(makeStorage);

    it('answers the protocol Update, with the full sender and no clientMsgId when none was given', async () => {
      const ann = await fixture.createHuman('Ann');
      const bob = await fixture.createHuman('bob');
      const result = await fixture.append({ sender: ann, content: 'hi @bob', mentions: [bob.id], createdAt: T0 });
      const expected: Update = {
        id: 1,
        spaceId: 'main',
        at: T0.toISOString(),
        event: {
          type: 'message',
          message: {
            id: expect.any(Number),
            spaceId: 'main',
            sender: ann,
            content: 'hi @bob',
            mentions: [bob.id],
            createdAt: T0.toISOString(),
          },
        },
      };
      expect(result).toEqual({ outcome: 'created', update: expected });
      if (result.outcome !== 'created') return;
      expect('clientMsgId' in messageIn(result.update)).toBe(false);
      expect(await fixture.storage().readUpdates('main', { after: 0, limit: 10 })).toEqual([result.update]);
    });

    it('stores the clientMsgId and the mentions in their order', async () => {
      const ann = await fixture.createHuman('ann');
      const result = await fixture.append({ sender: ann, clientMsgId: 'c-1', mentions: [7, 3, 5] });
      const [stored] = await fixture.storage().readUpdates('main', { after: 0, limit: 1 });
      expect(messageIn(stored).clientMsgId).toBe('c-1');
      expect(messageIn(stored).mentions).toEqual([7, 3, 5]);
      expect(result).toEqual({ outcome: 'created', update: stored });
    });

    it("keeps a streamed message's mark, and answers a repeat with the original", async () => {
      const jarvis = await fixture.createAgent('jarvis');
      const ann = await fixture.createHuman('ann');
      const stream = { id: 's-stream-0001', end: 'stopped' as const, stoppedBy: ann.id };
      const result = await fixture.append({ sender: jarvis, clientMsgId: 'reply-1', content: 'Partial', stream });
      const [stored] = await fixture.storage().readUpdates('main', { after: 0, limit: 1 });
      expect(messageIn(stored).stream).toEqual(stream);
      expect(result).toEqual({ outcome: 'created', update: stored });
      const again = await fixture.append({ sender: jarvis, clientMsgId: 'reply-1', content: 'Partial', stream });
      expect(again).toEqual({ outcome: 'duplicate', update: stored });
      const plain = await fixture.append({ sender: ann, content: 'not streamed' });
      expect(plain.outcome === 'created' && 'stream' in messageIn(plain.update)).toBe(false);
    });

    it('numbers each space 1, 2, 3 and keeps message ids unique across spaces', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      const ids = [
        await fixture.appendCreated({ sender: ann, spaceId: 'main' }),
        await fixture.appendCreated({ sender: ann, spaceId: 'other' }),
        await fixture.appendCreated({ sender: ann, spaceId: 'main' }),
        await fixture.appendCreated({ sender: ann, spaceId: 'other' }),
        await fixture.appendCreated({ sender: ann, spaceId: 'main' }),
      ];
      expect(ids).toEqual([1, 1, 2, 2, 3]);
      const updates = [
        ...(await fixture.storage().readUpdates('main', { after: 0, limit: 10 })),
        ...(await fixture.storage().readUpdates('other', { after: 0, limit: 10 })),
      ];
      expect(new Set(updates.map((update) => messageIn(update).id)).size).toBe(5);
    });

    it('assigns gapless ids per space under hundreds of concurrent appends across spaces', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.createSpace('alpha');
      await fixture.createSpace('beta');
      const spaceIds = ['main', 'alpha', 'beta'];
      const rounds = 100;
      const count = rounds * spaceIds.length;
      const inputs = Array.from({ length: rounds }, (_, round) =>
        spaceIds.map((spaceId, k) => ({ spaceId, i: round * spaceIds.length + k })),
      ).flat();
      const results = await Promise.all(
        inputs.map(({ spaceId, i }) =>
          fixture.append({
            sender: i % 2 === 0 ? ann : bob,
            spaceId,
            content: `message ${i}`,
            ...(i % 4 === 0 ? { clientMsgId: `c-${i}` } : {}),
            createdAt: msAfterT0(i),
          }),
        ),
      );
      expect(results.every((result) => result.outcome === 'created')).toBe(true);

      const storedByMessageId = new Map<number, Update>();
      for (const spaceId of spaceIds) {
        const updates = await fixture.storage().readUpdates(spaceId, { after: 0, limit: 500 });
        expect(updates.map((update) => update.id)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
        expect(await fixture.storage().headId(spaceId)).toBe(rounds);
        for (const update of updates) storedByMessageId.set(messageIn(update).id, update);
      }
      expect(storedByMessageId.size).toBe(count);
      for (const result of results) {
        if (result.outcome === 'created')
          expect(storedByMessageId.get(messageIn(result.update).id)).toEqual(result.update);
      }
    });

    it('answers space_not_found for an unknown space and stores nothing', async () => {
      const ann = await fixture.createHuman('ann');
      expect(await fixture.append({ sender: ann, spaceId: 'nowhere' })).toEqual({ outcome: 'space_not_found' });
      expect(await fixture.storage().headId('nowhere')).toBe(0);
      expect(await fixture.storage().readUpdates('nowhere', { after: 0, limit: 10 })).toEqual([]);
    });

    it('rejects a sender id that names no timite', async () => {
      await expect(fixture.append({ sender: { id: 999_999, nick: 'ghost', kind: 'human' } })).rejects.toHaveProperty(
        'message',
      );
      expect(await fixture.storage().headId('main')).toBe(0);
    });
  });

  describe('appendMessage with a clientMsgId', () => {
    const fixture = useStorage(makeStorage);

    it('answers a repeat from the same sender with the original update and adds nothing', async () => {
      const ann = await fixture.createHuman('ann');
      const first = await fixture.append({ sender: ann, clientMsgId: 'c-1', content: 'hello', createdAt: T0 });
      const repeat = await fixture.append({
        sender: ann,
        clientMsgId: 'c-1',
        content: 'hello',
        createdAt: msAfterT0(5_000),
      });
      expect(first.outcome).toBe('created');
      expect(repeat).toEqual({ outcome: 'duplicate', update: first.outcome === 'created' ? first.update : undefined });
      expect(await fixture.storage().headId('main')).toBe(1);
    });

    it('answers client_msg_id_conflict for different content or a different space, storing nothing', async () => {
      const ann = await fixture.createHuman('ann');
      await fixture.createSpace('other');
      await fixture.appendCreated({ sender: ann, clientMsgId: 'c-1', content: 'hello', spaceId: 'main' });
      expect(await fixture.append({ sender: ann, clientMsgId: 'c-1', content: 'hello!', spaceId: 'main' })).toEqual({
        outcome: 'client_msg_id_conflict',
      });
      expect(await fixture.append({ sender: ann, clientMsgId: 'c-1', content: 'hello', spaceId: 'other' })).toEqual({
        outcome: 'client_msg_id_conflict',
      });
      expect(await fixture.storage().headId('main')).toBe(1);
      expect(await fixture.storage().headId('other')).toBe(0);
    });

    it('creates a message when another sender uses the same clientMsgId', async () => {
      const ann = await fixture.createHuman('ann');
      const bob = await fixture.createHuman('bob');
      await fixture.appendCreated({ sender: ann, clientMsgId: 'c-1' });
      expect(await fixture.appendCreated({ sender: bob, clientMsgId: 'c-1' })).toBe(2);
    });

    it('answers a repeat of a refused message as a new message once it is allowed', async () => {
      const bot = await fixture.createAgent('bot');
      const ann = await fixture.createHuman('ann');
      const refused = await fixture.append({ sender: bot, clientMsgId: 'c-1', maxAgentStreak: 0 });
      expect(refused).toEqual({ outcome: 'agent_turn_limit' });
      await fixture.appendCreated({ sender: ann });
      expect(await fixture.appendCreated({ sender: bot, clientMsgId: 'c-1', maxAgentStreak: 1 })).toBe(2);
    });
  });
}
