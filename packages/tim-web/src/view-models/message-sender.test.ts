import { TimClientError, type Update } from '@tim/protocol';
import { MessageSender } from './message-sender';
import { confirmation, createFakeClient, settle } from './test-chat-client';

/** Timers that fire only when the test says, so no send timeout outlives a test. */
function createTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    timers: {
      setTimeout: ((callback: () => void) => {
        pending.set(++next, callback);
        return next;
      }) as unknown as typeof setTimeout,
      clearTimeout: ((id: number) => void pending.delete(id)) as unknown as typeof clearTimeout,
    },
    fireAll: () => {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
  };
}

function createSender() {
  const fake = createFakeClient([]);
  const stored: Update[] = [];
  const { timers, fireAll } = createTimers();
  let changes = 0;
  let counter = 0;
  const sender = new MessageSender({
    client: fake.client,
    signals: { changed: () => (changes += 1) },
    onStored: (update) => stored.push(update),
    newClientMsgId: () => `c${++counter}`,
    timers,
  });
  return { fake, sender, stored, changes: () => changes, fireTimeouts: fireAll };
}

describe('MessageSender', () => {
  it("hands on the HTTP answer as the space's update and empties the outbox", async () => {
    const { fake, sender, stored } = createSender();
    const sending = sender.attempt(sender.queue('main', 'hello'));
    expect(sender.pendingIn('main')).toMatchObject([{ clientMsgId: 'c1', status: 'pending', content: 'hello' }]);
    await settle();
    fake.sends[0]?.settle(confirmation(4, 'c1', 'hello'));
    await sending;
    expect(stored).toMatchObject([
      { id: 4, spaceId: 'main', event: { type: 'message', message: { content: 'hello' } } },
    ]);
    expect(sender.pendingIn('main')).toEqual([]);
  });

  it('shows a failure in words and retries with the same clientMsgId', async () => {
    const { fake, sender, stored, changes } = createSender();
    const first = sender.attempt(sender.queue('main', 'are you there?'));
    await settle();
    fake.sends[0]?.settle(new TimClientError('network', 'fetch failed'));
    await first;
    expect(sender.pendingIn('main')).toMatchObject([
      { status: 'failed', failure: expect.stringMatching(/Could not reach/) },
    ]);

    const changesBefore = changes();
    const retry = sender.retry('c1');
    expect(sender.pendingIn('main')).toMatchObject([{ status: 'pending', content: 'are you there?' }]);
    expect(changes()).toBe(changesBefore + 1);
    await settle();
    expect(fake.sends[1]?.clientMsgId).toBe('c1');
    fake.sends[1]?.settle(confirmation(1, 'c1', 'are you there?'));
    await retry;
    expect(stored.map((update) => update.id)).toEqual([1]);
    expect(sender.pendingIn('main')).toEqual([]);
  });

  it('discards a failed message, and keeps each space its own messages', async () => {
    const { fake, sender } = createSender();
    const failing = sender.attempt(sender.queue('main', 'never mind'));
    void sender.attempt(sender.queue('side', 'elsewhere'));
    await settle();
    fake.sends[0]?.settle(new TimClientError('network', 'fetch failed'));
    await failing;
    sender.discard('c1');
    expect(sender.pendingIn('main')).toEqual([]);
    expect(sender.pendingIn('side')).toMatchObject([{ clientMsgId: 'c2', status: 'pending' }]);
  });

  it('shows a send with no answer within the timeout as not sent; a late answer still confirms it', async () => {
    const { fake, sender, stored, fireTimeouts } = createSender();
    const sending = sender.attempt(sender.queue('main', 'anyone?'));
    await settle();
    fireTimeouts();
    await settle();
    expect(sender.pendingIn('main')).toMatchObject([
      { status: 'failed', failure: expect.stringMatching(/did not answer within 15 s/) },
    ]);
    fake.sends[0]?.settle(confirmation(3, 'c1', 'anyone?'));
    await sending;
    expect(stored.map((update) => update.id)).toEqual([3]);
    expect(sender.pendingIn('main')).toEqual([]);
  });

  it('keeps a retry pending when the timed-out first attempt fails late', async () => {
    const { fake, sender, fireTimeouts } = createSender();
    const first = sender.attempt(sender.queue('main', 'again'));
    await settle();
    fireTimeouts();
    await settle();
    const retry = sender.retry('c1');
    await settle();
    fake.sends[0]?.settle(new TimClientError('network', 'fetch failed'));
    await first;
    expect(sender.pendingIn('main')).toMatchObject([{ clientMsgId: 'c1', status: 'pending' }]);
    fake.sends[1]?.settle(confirmation(1, 'c1', 'again'));
    await retry;
    expect(sender.pendingIn('main')).toEqual([]);
  });
});
