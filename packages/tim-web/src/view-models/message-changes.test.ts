import { TimClientError, type Message, type MessageUpdate, type Update } from '@tim/protocol';
import { ChatController } from './chat-controller';
import type { ChatView, TimelineItem } from './chat-view';
import { confirmation, createFakeClient, me, memoryStore, settle } from './test-chat-client';
import { makeDelete, makeEdit, makeReaction } from './test-changes';
import { makeUpdate, makeUpdates } from './test-updates';

async function startController(updates: Update[]) {
  const fake = { ...createFakeClient(updates), reads: [] as number[] };
  const getMessage = fake.client.getMessage;
  fake.client.getMessage = (spaceId, messageId) => {
    fake.reads.push(messageId);
    return getMessage(spaceId, messageId);
  };
  let counter = 0;
  const controller = new ChatController({
    client: fake.client,
    me,
    store: memoryStore(),
    pageSize: 50,
    windowSize: 120,
    newClientMsgId: () => `c${++counter}`,
  });
  let view: ChatView = controller.view();
  controller.onChange((next) => (view = next));
  await controller.start();
  return { fake, controller, current: () => view };
}

type MessageItem = Extract<TimelineItem, { kind: 'message' }>;

function itemOf(view: ChatView, messageId: number): MessageItem {
  const item = view.items.find((candidate) => candidate.kind === 'message' && candidate.message.id === messageId);
  if (item?.kind !== 'message') throw new Error(`No message ${messageId} in the view.`);
  return item;
}

function reply(id: number, replyTo: number, options: Parameters<typeof makeUpdate>[1] = {}): MessageUpdate {
  const update = makeUpdate(id, options);
  return { ...update, event: { type: 'message', message: { ...update.event.message, replyTo } } };
}

function answer(message: Message, change: Partial<Message>, updateId?: number) {
  return { message: { ...message, ...change }, ...(updateId === undefined ? {} : { updateId }) };
}

describe('ChatController: replies, edits, deletes and reactions', () => {
  it('sends a reply to the message the composer answers, then forgets it', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 3));
    controller.replyTo(2);
    expect(current().replyingTo).toMatchObject({ state: 'shown', messageId: 2, sender: 'alice', excerpt: 'message 2' });
    const sending = controller.send('agreed');
    await settle();
    expect(current().replyingTo).toBeUndefined();
    const sent = fake.sends[0];
    expect(sent?.content).toBe('agreed');
    sent?.settle({
      ...confirmation(4, 'c1', 'agreed'),
      message: { ...confirmation(4, 'c1', 'agreed').message, replyTo: 2 },
    });
    await sending;
    expect(itemOf(current(), 4).quote).toMatchObject({ state: 'shown', messageId: 2, excerpt: 'message 2' });
  });

  it('passes replyTo to the client and drops the reply when the reader cancels or leaves the space', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 3));
    const sendMessage = jest.spyOn(fake.client, 'sendMessage');
    controller.replyTo(3);
    void controller.send('yes');
    await settle();
    expect(sendMessage).toHaveBeenLastCalledWith('main', 'yes', { clientMsgId: 'c1', replyTo: 3 });
    controller.replyTo(1);
    controller.cancelReply();
    expect(current().replyingTo).toBeUndefined();
    void controller.send('plain');
    await settle();
    expect(sendMessage).toHaveBeenLastCalledWith('main', 'plain', { clientMsgId: 'c2' });
    controller.replyTo(1);
    await controller.openSpace('side');
    expect(current().replyingTo).toBeUndefined();
    fake.sends.forEach((send, index) => send.settle(confirmation(4 + index, send.clientMsgId, send.content)));
  });

  it('keeps a failed reply a reply when it is sent again', async () => {
    const { fake, controller } = await startController(makeUpdates(1, 3));
    const sendMessage = jest.spyOn(fake.client, 'sendMessage');
    controller.replyTo(2);
    const sending = controller.send('retry me');
    await settle();
    fake.sends[0]?.settle(new TimClientError('network', 'down'));
    await sending;
    const retrying = controller.retry('c1');
    await settle();
    expect(sendMessage).toHaveBeenLastCalledWith('main', 'retry me', { clientMsgId: 'c1', replyTo: 2 });
    fake.sends[1]?.settle(confirmation(4, 'c1', 'retry me'));
    await retrying;
  });

  it('quotes an original outside the window by reading it once, and follows its edits and delete', async () => {
    const updates = [...makeUpdates(1, 60), reply(61, 2, { content: 'about that' })];
    const { fake, current } = await startController(updates);
    await settle();
    expect(itemOf(current(), 61).quote).toMatchObject({ state: 'shown', sender: 'alice', excerpt: 'message 2' });
    const shown = itemOf(current(), 61).quote;
    fake.events.emit('update', makeUpdate(62));
    expect(itemOf(current(), 61).quote).toBe(shown);
    fake.events.emit('update', makeEdit(63, 2, 'message 2, corrected\nsecond line'));
    expect(itemOf(current(), 61).quote).toMatchObject({ excerpt: 'message 2, corrected', deleted: false });
    fake.events.emit('update', makeDelete(64, 2));
    expect(itemOf(current(), 61).quote).toMatchObject({ excerpt: '', deleted: true });
    expect(fake.reads.filter((read) => read === 2)).toHaveLength(1);
  });

  it('says an original that cannot be read is missing', async () => {
    const { current } = await startController([makeUpdate(1), reply(2, 99)]);
    await settle();
    expect(itemOf(current(), 2).quote).toEqual({ messageId: 99, state: 'missing' });
  });

  it('shows live edits, deletes and reactions of the open space, changing only that message', async () => {
    const { fake, current } = await startController(makeUpdates(1, 3));
    const before = current().items;
    fake.events.emit('update', makeEdit(4, 2, 'better'));
    expect(itemOf(current(), 2).message).toMatchObject({ content: 'better' });
    expect(itemOf(current(), 1).message).toBe((before[0] as MessageItem).message);
    fake.events.emit('update', makeReaction(5, 3, [{ emoji: '👍', timites: [me] }]));
    expect(itemOf(current(), 3).message.reactions).toEqual([{ emoji: '👍', timites: [me] }]);
    fake.events.emit('update', makeDelete(6, 2));
    expect(itemOf(current(), 2).message).toMatchObject({ content: '', deletedBy: 1 });
    fake.events.emit('update', makeEdit(7, 1, 'elsewhere', { spaceId: 'side' }));
    expect(itemOf(current(), 1).message.content).toBe('message 1');
  });

  it("edits and deletes the reader's message, showing the server's answer before the live update", async () => {
    const mine = makeUpdate(2, { sender: me, content: 'tpyo' });
    const { fake, controller, current } = await startController([makeUpdate(1), mine]);
    expect(controller.lastOwnMessageId()).toBe(2);
    const editing = controller.editMessage(2, 'typo');
    await settle();
    expect(fake.changes[0]).toMatchObject({ call: 'edit', spaceId: 'main', messageId: 2, content: 'typo' });
    fake.changes[0]?.settle(answer(mine.event.message, { content: 'typo', editedAt: '2026-01-01T13:00:00.000Z' }, 3));
    await expect(editing).resolves.toBe(true);
    expect(itemOf(current(), 2).message).toMatchObject({ content: 'typo', editedAt: '2026-01-01T13:00:00.000Z' });
    // The live update of the same edit changes nothing more.
    fake.events.emit('update', makeEdit(3, 2, 'typo', { editor: me }));
    expect(itemOf(current(), 2).message.content).toBe('typo');

    const deleting = controller.deleteMessage(2);
    await settle();
    fake.changes[1]?.settle(
      answer(mine.event.message, { content: '', deletedAt: '2026-01-01T13:01:00.000Z', deletedBy: me.id }, 4),
    );
    await expect(deleting).resolves.toBe(true);
    expect(itemOf(current(), 2).message).toMatchObject({ content: '', deletedBy: me.id });
    expect(controller.lastOwnMessageId()).toBeUndefined();
  });

  it('toggles a reaction: adds it, then takes it back, one request at a time', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 2));
    const message = itemOf(current(), 1).message;
    const adding = controller.toggleReaction(1, '🎉');
    void controller.toggleReaction(1, '🎉');
    await settle();
    expect(fake.changes.map((change) => change.call)).toEqual(['react']);
    const reacted = answer(message, { reactions: [{ emoji: '🎉', timites: [me] }] }, 3);
    fake.changes[0]?.settle(reacted);
    await adding;
    expect(itemOf(current(), 1).message.reactions).toEqual([{ emoji: '🎉', timites: [me] }]);
    const removing = controller.toggleReaction(1, '🎉');
    await settle();
    expect(fake.changes[1]).toMatchObject({ call: 'unreact', messageId: 1, emoji: '🎉' });
    fake.changes[1]?.settle(answer(message, {}, 4));
    await removing;
    expect(itemOf(current(), 1).message.reactions).toBeUndefined();
  });

  it('tells a refused change in words and keeps the message as it was', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 2));
    const adding = controller.toggleReaction(1, '👀');
    await settle();
    fake.changes[0]?.settle(
      new TimClientError('conflict', 'This message has 20 different reactions, the most it can have.'),
    );
    await adding;
    expect(current().notice).toBe(
      'Could not add your reaction. This message has 20 different reactions, the most it can have.',
    );
    expect(itemOf(current(), 1).message.reactions).toBeUndefined();
    const editing = controller.editMessage(1, 'not mine');
    await settle();
    fake.changes[1]?.settle(new TimClientError('forbidden', 'Only the sender can edit a message.'));
    await expect(editing).resolves.toBe(false);
    expect(current().notice).toBe('Could not save your edit. Only the sender can edit a message.');
  });
});
