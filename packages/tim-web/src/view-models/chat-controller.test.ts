import { DEFAULT_LIMITS, TimClientError, type ServerLimits, type Timite, type Update } from '@tim/protocol';
import { ChatController } from './chat-controller';
import type { ChatView } from './chat-view';
import { SERVER_LIMITS, confirmation, createFakeClient, me, memoryStore, settle } from './test-chat-client';
import { makeStreamEnd, makeStreamEvent, makeUpdate, makeUpdates } from './test-updates';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };
const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const cy: Timite = { id: 3, nick: 'cy', kind: 'human' };

async function startController(updates: Update[], limits?: () => Promise<ServerLimits>) {
  const fake = createFakeClient(updates, limits);
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

const kinds = (view: ChatView) =>
  view.items.map((item) => {
    switch (item.kind) {
      case 'message':
        return `u${item.updateId}`;
      case 'outbox':
        return `${item.item.status}:${item.item.content}`;
      case 'stream':
        return `writing:${item.stream.text}`;
    }
  });

describe('ChatController', () => {
  it("sizes the composer by the server's content limit, and keeps the protocol default when the server does not say", async () => {
    const raised = await startController([], async () => ({ ...SERVER_LIMITS, messageChars: 5000 }));
    await settle();
    expect(raised.current().maxContentChars).toBe(5000);
    const older = await startController([], () =>
      Promise.reject(new TimClientError('not_found', 'No route GET /limits.')),
    );
    await settle();
    expect(older.current().maxContentChars).toBe(DEFAULT_LIMITS.messageChars);
  });

  it('opens the newest page and subscribes from its last id', async () => {
    const { fake, current } = await startController(makeUpdates(1, 130));
    expect(current().items).toHaveLength(50);
    expect(kinds(current())[0]).toBe('u81');
    expect(fake.subscribed).toEqual([{ spaceId: 'main', after: 130 }]);
    expect(current().hasOlder).toBe(true);
  });

  it('shows a message as pending at once and as sent when the HTTP answer comes first', async () => {
    const { fake, controller, current } = await startController(makeUpdates(1, 3));
    const sending = controller.send('  hello  ');
    await settle();
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'pending:hello']);
    fake.sends[0]?.settle(confirmation(4, 'c1', 'hello'));
    await sending;
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'u4']);
    fake.events.emit('update', makeUpdate(4, { sender: me, content: 'hello', clientMsgId: 'c1' }));
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('marks it sent when the update frame comes before the HTTP answer', async () => {
    const { fake, controller, current } = await startController([]);
    const sending = controller.send('hi');
    await settle();
    fake.events.emit('update', makeUpdate(1, { sender: me, content: 'hi', clientMsgId: 'c1' }));
    expect(kinds(current())).toEqual(['u1']);
    fake.sends[0]?.settle(confirmation(1, 'c1', 'hi'));
    await sending;
    expect(kinds(current())).toEqual(['u1']);
  });

  it('ignores a late failure once the update frame proved the message stored', async () => {
    const { fake, controller, current } = await startController([]);
    const sending = controller.send('twice?');
    await settle();
    fake.events.emit('update', makeUpdate(1, { sender: me, content: 'twice?', clientMsgId: 'c1' }));
    fake.sends[0]?.settle(new TimClientError('network', 'lost answer'));
    await sending;
    expect(kinds(current())).toEqual(['u1']);
  });

  it('merges resumed updates in order without duplicates and keeps the window bounded', async () => {
    const { fake, current, controller } = await startController(makeUpdates(1, 200));
    for (const id of [201, 199, 202, 201, 203]) fake.events.emit('update', makeUpdate(id));
    expect(kinds(current()).slice(-4)).toEqual(['u200', 'u201', 'u202', 'u203']);
    for (let page = 0; page < 2; page += 1) await controller.loadOlder();
    expect(kinds(current())[0]).toBe('u51');
    expect(current().items).toHaveLength(120);
    expect(current().hasNewer).toBe(true);
    await controller.loadNewer();
    expect(kinds(current()).at(-1)).toBe('u200');
  });

  it("shows who is here and who is typing in the open space only, and a timite's message ends their notice", async () => {
    const { fake, current } = await startController([]);
    await settle();
    expect(current().people).toEqual([me]);
    fake.events.emit('presence', { type: 'presence', spaceId: 'main', timite: alice, state: 'online' });
    fake.events.emit('activity', { type: 'activity', spaceId: 'main', timite: alice, activity: 'typing' });
    fake.events.emit('activity', { type: 'activity', spaceId: 'side', timite: me, activity: 'thinking' });
    expect(current().people.map((timite) => timite.nick)).toEqual(['alice', 'bo']);
    expect(current().activity).toEqual(['alice is typing…']);
    fake.events.emit('update', makeUpdate(1, { sender: alice }));
    expect(current().activity).toEqual([]);
  });

  it('switches spaces: unsubscribes the old one and shows neither its live updates nor its sends', async () => {
    const updates = [...makeUpdates(1, 3), makeUpdate(1, { spaceId: 'side', content: 'on the side' })];
    const { fake, controller, current } = await startController(updates);
    const sending = controller.send('still on its way');
    await settle();
    await controller.openSpace('side');
    expect(fake.unsubscribed).toEqual(['main']);
    expect(fake.subscribed.at(-1)).toEqual({ spaceId: 'side', after: 1 });
    expect(current().spaceId).toBe('side');
    expect(kinds(current())).toEqual(['u1']);
    fake.events.emit('update', makeUpdate(4));
    expect(kinds(current())).toEqual(['u1']);

    fake.sends[0]?.settle(confirmation(4, 'c1', 'still on its way'));
    await sending;
    expect(kinds(current())).toEqual(['u1']);
    await controller.openSpace('main');
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3']);
  });

  it('shows a reply growing in place, and its final message in the same place under the same key', async () => {
    const { fake, current } = await startController(makeUpdates(1, 2));
    await settle();
    fake.events.emit('activity', { type: 'activity', spaceId: 'main', timite: jarvis, activity: 'thinking' });
    expect(current().activity).toEqual(['Jarvis is thinking…']);
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hel' }));
    fake.events.emit('stream', makeStreamEvent('stream-zzzz', { author: jarvis, spaceId: 'side', text: 'no' }));
    expect(kinds(current())).toEqual(['u1', 'u2', 'writing:Hel']);
    expect(current().activity).toEqual([]);
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, offset: 3, text: 'lo' }));
    fake.events.emit('update', makeUpdate(3, { sender: alice }));
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'writing:Hello']);
    const growingKey = current().items.at(-1)?.key;

    fake.events.emit(
      'update',
      makeUpdate(4, { sender: jarvis, content: 'Hello', stream: { id: 'stream-aaaa', end: 'finished' } }),
    );
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(current().items.at(-1)).toMatchObject({ key: growingKey, streamNote: undefined });
    // Its stream_end after the message, and a late frame, change nothing.
    fake.events.emit('stream_end', makeStreamEnd('stream-aaaa', { author: jarvis, updateId: 4 }));
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello' }));
    expect(kinds(current())).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('stops a reply: sends the stop, shows it stopping, then the final message says who stopped it', async () => {
    const { fake, controller, current } = await startController([]);
    await settle();
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Once upon' }));
    controller.stopStream('stream-aaaa');
    expect(fake.stopped).toEqual([{ spaceId: 'main', streamId: 'stream-aaaa' }]);
    expect(current().items).toEqual([
      expect.objectContaining({ kind: 'stream', stream: expect.objectContaining({ isStopping: true }) }),
    ]);

    // Stopped by someone who is not in the presence list: the stream_end names them.
    fake.events.emit(
      'stream_end',
      makeStreamEnd('stream-aaaa', { author: jarvis, reason: 'stopped', updateId: 1, stoppedBy: cy }),
    );
    const stream = { id: 'stream-aaaa', end: 'stopped' as const, stoppedBy: cy.id };
    fake.events.emit('update', makeUpdate(1, { sender: jarvis, content: 'Once upon a', stream }));
    expect(current().items).toEqual([
      expect.objectContaining({ kind: 'message', key: 'sstream-aaaa', streamNote: 'stopped by cy' }),
    ]);
    expect(current().notice).toBeUndefined();
  });

  it('says so when a stop cannot go out, and drops a stream that ends without a message', async () => {
    const { fake, controller, current } = await startController([]);
    await settle();
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Once' }));
    fake.state.value = 'reconnecting';
    controller.stopStream('stream-aaaa');
    expect(fake.stopped).toEqual([]);
    expect(current().notice).toMatch(/^Could not stop that reply/);
    expect(kinds(current())).toEqual(['writing:Once']);
    fake.events.emit('stream_end', makeStreamEnd('stream-aaaa', { author: jarvis, reason: 'lost' }));
    expect(kinds(current())).toEqual([]);
  });

  it('forgets growing replies on a reconnect, and shows again the ones the server says are still open', async () => {
    const { fake, current } = await startController([]);
    await settle();
    fake.events.emit('stream', makeStreamEvent('stream-aaaa', { author: jarvis, text: 'gone meanwhile' }));
    fake.events.emit('stream', makeStreamEvent('stream-bbbb', { author: jarvis, text: 'still' }));
    fake.events.emit('state', { previous: 'open', next: 'reconnecting', reason: 'test' });
    expect(kinds(current())).toEqual(['writing:gone meanwhile', 'writing:still']);
    fake.events.emit('state', { previous: 'reconnecting', next: 'open', reason: 'test' });
    fake.events.emit('stream', makeStreamEvent('stream-bbbb', { author: jarvis, text: 'still going' }));
    expect(kinds(current())).toEqual(['writing:still going']);
  });
});
