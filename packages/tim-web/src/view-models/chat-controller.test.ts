import {
  DEFAULT_LIMITS,
  Emitter,
  TimClientError,
  type SendMessageResult,
  type ServerLimits,
  type ConnectionState,
  type TimConnectionEvents,
  type Timite,
  type Update,
  type UpdatesResponse,
} from '@tim/protocol';
import { ChatController, type ChatClient, type ChatSubscription, type ChatView } from './chat-controller';
import { makeUpdate, makeUpdates } from './test-updates';

const me: Timite = { id: 7, nick: 'bo', kind: 'human' };

const SERVER_LIMITS: ServerLimits = {
  messageChars: DEFAULT_LIMITS.messageChars,
  httpBodyBytes: DEFAULT_LIMITS.httpBodyBytes,
  wsFrameBytes: DEFAULT_LIMITS.wsFrameBytes,
  subscriptionsPerConnection: DEFAULT_LIMITS.subscriptionsPerConnection,
  connectionsPerTimite: DEFAULT_LIMITS.connectionsPerTimite,
};

/**
 * A TimClient stand-in: a space `main` holding `updates`, sends that wait until the test
 * settles them, and a subscription whose events the test emits. Extend it with the calls a
 * new test needs.
 */
function createFakeClient(updates: Update[], limits: () => Promise<ServerLimits> = async () => ({ ...SERVER_LIMITS })) {
  const events = new Emitter<TimConnectionEvents>();
  const sends: Array<{ clientMsgId: string; content: string; settle: (outcome: SendMessageResult | Error) => void }> =
    [];
  const subscribed: Array<{ spaceId: string; after?: number }> = [];
  const state: { value: ConnectionState } = { value: 'open' };
  const sub: ChatSubscription = {
    get state() {
      return state.value;
    },
    on: (name, listener) => events.on(name, listener),
    subscribe: (spaceId, options) => void subscribed.push({ spaceId, ...options }),
    unsubscribe: () => undefined,
    sendActivity: () => true,
    close: () => undefined,
  };
  const client: ChatClient = {
    connect: () => sub,
    limits,
    listSpaces: async () => [{ id: 'main', name: 'main', createdAt: '2026-01-01T00:00:00.000Z' }],
    createSpace: async (input) => ({ ...input, createdAt: '2026-01-01T00:00:00.000Z' }),
    presence: async () => [me],
    logout: async () => undefined,
    readUpdates: async (_spaceId, range = {}): Promise<UpdatesResponse> => {
      const limit = range.limit ?? 100;
      const headId = updates.length;
      const selected =
        range.before !== undefined
          ? updates.filter((update) => update.id < (range.before ?? 0)).slice(-limit)
          : updates.filter((update) => update.id > (range.after ?? 0)).slice(0, limit);
      return { updates: selected, headId, timites: [] };
    },
    sendMessage: (_spaceId, content, options) =>
      new Promise<SendMessageResult>((resolve, reject) => {
        sends.push({
          clientMsgId: options?.clientMsgId ?? '',
          content,
          settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        });
      }),
  };
  return { client, events, sends, subscribed, state };
}

function memoryStore() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

function confirmation(id: number, clientMsgId: string, content: string): SendMessageResult {
  const { event } = makeUpdate(id, { sender: me, content, clientMsgId });
  return { message: event.message, updateId: id, created: true };
}

/** Lets the controller's awaited calls run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

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
  view.items.map((item) =>
    item.kind === 'message' ? `u${item.updateId}` : `${item.item.status}:${item.item.content}`,
  );

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

  it('shows a failure in words and retries with the same clientMsgId', async () => {
    const { fake, controller, current } = await startController([]);
    const first = controller.send('are you there?');
    await settle();
    fake.sends[0]?.settle(new TimClientError('network', 'fetch failed'));
    await first;
    const failed = current().items[0];
    expect(failed?.kind === 'outbox' && failed.item).toMatchObject({
      status: 'failed',
      failure: expect.stringMatching(/Could not reach/),
    });

    const retry = controller.retry('c1');
    await settle();
    expect(kinds(current())).toEqual(['pending:are you there?']);
    expect(fake.sends[1]?.clientMsgId).toBe('c1');
    fake.sends[1]?.settle(confirmation(1, 'c1', 'are you there?'));
    await retry;
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
});
