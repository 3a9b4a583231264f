import fc from 'fast-check';
import type { ServerFrame, Update } from '@tim/protocol';
import type { Bus, BusListener } from '../bus/bus';
import { DEFAULT_PRESENCE_FANOUT_MAX_SUBSCRIPTIONS, DEFAULT_STREAM_IDLE_MS } from '../config';
import { createMemoryStorage } from '../storage/memory/memory-storage';
import type { Storage } from '../storage/storage';
import { createHub, type HubSubscriber } from './hub';
import type { OutboundFrame } from './outbound-frame';

/**
 * A bus the test drives by hand: published events wait in `held` until the test delivers,
 * reorders or drops them, which is everything the Bus contract allows.
 */
function createManualBus() {
  const listeners = new Set<BusListener>();
  const held: Update[] = [];
  const bus: Bus = {
    async publish(_spaceId, event) {
      // Ephemeral events are not held: they go to the listeners at once.
      if (event.kind === 'update') held.push(event.update);
      else for (const listener of listeners) listener(event);
    },
    async subscribe(_spaceId, listener) {
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
      };
    },
    async subscribeAll() {
      return async () => undefined;
    },
    async ping() {},
    async close() {},
  };
  return {
    bus,
    held,
    deliver(index: number): void {
      const [update] = held.splice(index, 1);
      if (update !== undefined) for (const listener of listeners) listener({ kind: 'update', update });
    },
    drop(index: number): void {
      held.splice(index, 1);
    },
    resync(): void {
      for (const listener of listeners) listener({ kind: 'resync' });
    },
  };
}

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function append(storage: Storage, senderId: number, n: number): Promise<Update> {
  const result = await storage.appendMessage({
    spaceId: 'main',
    senderId,
    content: `m${n}`,
    mentions: [],
    createdAt: new Date(),
    maxAgentStreak: 10,
  });
  if (result.outcome !== 'created') throw new Error(result.outcome);
  return result.update;
}

/** A subscriber that keeps every frame it is handed. */
interface Recorder {
  frames: ServerFrame[];
  updateIds(): number[];
  subscriber: HubSubscriber;
}

function recorder(timiteId: number, receiveOwnMessages = true): Recorder {
  const frames: ServerFrame[] = [];
  return {
    frames,
    updateIds: () => frames.flatMap((frame) => (frame.type === 'update' ? [frame.update.id] : [])),
    subscriber: {
      timiteId,
      receiveOwnMessages,
      deliver: (frame) => frames.push(JSON.parse(frame.data.toString()) as ServerFrame),
      whenReadyForReplay: () => undefined,
    },
  };
}

/** A recorder that takes `perTurn` replayed frames, then makes the replay wait until `allow()`. */
function slowRecorder(timiteId: number, perTurn: number) {
  const base = recorder(timiteId);
  let takenThisTurn = 0;
  let release: (() => void) | undefined;
  let waits = 0;
  return {
    ...base,
    waits: () => waits,
    allow(): void {
      takenThisTurn = 0;
      release?.();
      release = undefined;
    },
    subscriber: {
      ...base.subscriber,
      deliver(frame: OutboundFrame) {
        base.subscriber.deliver(frame);
        if (base.frames.at(-1)?.type === 'update') takenThisTurn += 1;
      },
      whenReadyForReplay(): Promise<void> | undefined {
        if (takenThisTurn < perTurn) return undefined;
        waits += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
    },
  };
}

async function setup(options: { presenceFanoutMaxSubscriptions?: number } = {}) {
  const storage = createMemoryStorage();
  const created = await storage.createTimite({ nick: 'ada', kind: 'human', passwordHash: null });
  if (!created.created) throw new Error('no timite');
  const manual = createManualBus();
  const errors: unknown[] = [];
  const hub = createHub({
    storage,
    bus: manual.bus,
    onDelivered: () => undefined,
    onError: (err) => errors.push(err),
    presenceFanoutMaxSubscriptions: options.presenceFanoutMaxSubscriptions ?? DEFAULT_PRESENCE_FANOUT_MAX_SUBSCRIPTIONS,
    streamLostAfterMs: DEFAULT_STREAM_IDLE_MS + 15_000,
  });
  return { storage, manual, hub, senderId: created.timite.id, errors };
}

describe('createHub', () => {
  it('delivers updates the bus reorders in id order, each once', async () => {
    const { storage, manual, hub, senderId } = await setup();
    const watcher = recorder(99);
    const subscription = hub.subscribe('main', watcher.subscriber);
    await subscription.live;
    for (let n = 1; n <= 3; n += 1) {
      const update = await append(storage, senderId, n);
      await manual.bus.publish('main', { kind: 'update', update });
    }
    manual.deliver(2);
    manual.deliver(0);
    manual.deliver(0);
    await settle();
    expect(watcher.updateIds()).toEqual([1, 2, 3]);
    subscription.close();
  });

  it('ends, at once, the subscriptions of the timites an access event names, and only theirs', async () => {
    const { storage, manual, hub, senderId } = await setup();
    const [kept, removed, outsider] = [recorder(senderId), recorder(98), recorder(97)];
    const revoked: number[] = [];
    for (const one of [kept, removed, outsider]) {
      await hub.subscribe('main', { ...one.subscriber, revoked: () => revoked.push(one.subscriber.timiteId) }).live;
    }
    await manual.bus.publish('main', { kind: 'access', revoke: { timiteId: 98 } });
    expect(revoked).toEqual([98]);
    await manual.bus.publish('main', { kind: 'access', revoke: { exceptMembers: [senderId] } });
    expect(revoked).toEqual([98, 97]);
    await manual.bus.publish('main', { kind: 'access' });
    await manual.bus.publish('main', { kind: 'update', update: await append(storage, senderId, 1) });
    manual.deliver(0);
    await settle();
    expect([kept.updateIds(), removed.updateIds(), outsider.updateIds()]).toEqual([[1], [], []]);
    expect(hub.stats().subscriptions).toBe(1);
  });

  it('fills an update the bus dropped from storage', async () => {
    const { storage, manual, hub, senderId } = await setup();
    const watcher = recorder(99);
    await hub.subscribe('main', watcher.subscriber).live;
    for (let n = 1; n <= 3; n += 1)
      await manual.bus.publish('main', { kind: 'update', update: await append(storage, senderId, n) });
    manual.deliver(0);
    manual.drop(0);
    manual.deliver(0);
    await settle();
    expect(watcher.updateIds()).toEqual([1, 2, 3]);
  });

  it('sends subscribed with the head, replays after `after`, and skips own messages when asked', async () => {
    const { storage, manual, hub, senderId } = await setup();
    for (let n = 1; n <= 4; n += 1) await append(storage, senderId, n);
    const replaying = recorder(99);
    const own = recorder(senderId, false);
    await hub.subscribe('main', replaying.subscriber, { after: 1 }).live;
    await hub.subscribe('main', own.subscriber, { after: 0 }).live;
    expect(replaying.frames[0]).toEqual({ type: 'subscribed', spaceId: 'main', headId: 4 });
    expect(replaying.updateIds()).toEqual([2, 3, 4]);
    expect(own.updateIds()).toEqual([]);
    manual.held.length = 0;
  });

  it("reads everything up to storage's head when the bus says it may have lost updates, with no new update needed", async () => {
    const { storage, manual, hub, senderId } = await setup();
    const watcher = recorder(99);
    await hub.subscribe('main', watcher.subscriber).live;
    await manual.bus.publish('main', { kind: 'update', update: await append(storage, senderId, 1) });
    manual.deliver(0);
    // Lost while the bus was cut off: more than a page of them.
    for (let n = 2; n <= 1203; n += 1) await append(storage, senderId, n);
    await settle();
    expect(watcher.updateIds()).toEqual([1]);
    manual.resync();
    manual.resync();
    await settle();
    expect(watcher.updateIds()).toEqual(Array.from({ length: 1203 }, (_, index) => index + 1));
  });

  it('paces a replay by its subscriber, and hands over to live with updates stored meanwhile once each', async () => {
    const { storage, manual, hub, senderId } = await setup();
    for (let n = 1; n <= 1200; n += 1) await append(storage, senderId, n);
    const slow = slowRecorder(99, 100);
    const subscription = hub.subscribe('main', slow.subscriber, { after: 0 });
    let isLive = false;
    void subscription.live.then(() => (isLive = true));
    await settle();
    expect(slow.updateIds()).toHaveLength(100);
    let next = 1201;
    while (!isLive) {
      // Updates stored and published while the replay waits: live, through the bus.
      const update = await append(storage, senderId, next);
      next += 1;
      await manual.bus.publish('main', { kind: 'update', update });
      manual.deliver(0);
      slow.allow();
      await settle();
    }
    for (let n = 0; n < 3; n += 1) {
      await manual.bus.publish('main', { kind: 'update', update: await append(storage, senderId, next) });
      next += 1;
      manual.deliver(0);
    }
    await settle();
    expect(slow.updateIds()).toEqual(Array.from({ length: next - 1 }, (_, index) => index + 1));
    expect(slow.waits()).toBeGreaterThanOrEqual(12);
  });

  it('ends a waiting replay when its subscription closes', async () => {
    const { storage, hub, senderId } = await setup();
    for (let n = 1; n <= 50; n += 1) await append(storage, senderId, n);
    const slow = slowRecorder(99, 10);
    const subscription = hub.subscribe('main', slow.subscriber, { after: 0 });
    await settle();
    subscription.close();
    slow.allow();
    await settle();
    expect(slow.updateIds()).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    expect(hub.stats()).toEqual({ spaces: 0, subscriptions: 0 });
  });

  it('sends presence only to spaces with at most presenceFanoutMaxSubscriptions subscriptions', async () => {
    const { manual, hub } = await setup({ presenceFanoutMaxSubscriptions: 2 });
    const timite = { id: 7, nick: 'eve', kind: 'human' as const };
    const presenceCount = (watcher: Recorder) => watcher.frames.filter((frame) => frame.type === 'presence').length;
    const watchers = [recorder(1), recorder(2), recorder(3)];
    const [first, second, third] = watchers.map((watcher) => hub.subscribe('main', watcher.subscriber));
    if (first === undefined || second === undefined || third === undefined) throw new Error('no subscriptions');
    await Promise.all([first.live, second.live, third.live]);
    await manual.bus.publish('main', {
      kind: 'ephemeral',
      event: { type: 'presence', spaceId: 'main', timite, state: 'online' },
    });
    expect(watchers.map(presenceCount)).toEqual([0, 0, 0]);
    third.close();
    await manual.bus.publish('main', {
      kind: 'ephemeral',
      event: { type: 'presence', spaceId: 'main', timite, state: 'offline' },
    });
    expect(watchers.map(presenceCount)).toEqual([1, 1, 0]);
    await manual.bus.publish('main', {
      kind: 'ephemeral',
      event: { type: 'activity', spaceId: 'main', timite, activity: 'typing' },
    });
    expect(watchers.map((watcher) => watcher.frames.filter((frame) => frame.type === 'activity').length)).toEqual([
      1, 1, 0,
    ]);
  });

  it('releases the bus subscription with the last subscriber', async () => {
    const { hub } = await setup();
    const first = hub.subscribe('main', recorder(1).subscriber);
    const second = hub.subscribe('main', recorder(2).subscriber);
    await Promise.all([first.live, second.live]);
    expect(hub.stats()).toEqual({ spaces: 1, subscriptions: 2 });
    first.close();
    first.close();
    expect(hub.stats()).toEqual({ spaces: 1, subscriptions: 1 });
    second.close();
    expect(hub.stats()).toEqual({ spaces: 0, subscriptions: 0 });
  });

  it('gives every subscription contiguous ids however appends, bus deliveries, drops and joins interleave', async () => {
    const step = fc.oneof(
      fc.constant({ kind: 'append' as const }),
      fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('join' as const), after: fc.option(fc.nat(), { nil: undefined }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const { storage, manual, hub, senderId, errors } = await setup();
        const joined: Array<{ watcher: Recorder; after: number | undefined }> = [];
        const pending: Array<Promise<void>> = [];
        let head = 0;
        // A real client's cursor is an id it was given, so at most the stored head.
        let storedHead = 0;
        for (const command of steps) {
          switch (command.kind) {
            case 'append': {
              // Not awaited: appends, deliveries and joins overlap as they do in the server.
              pending.push(
                append(storage, senderId, head).then((update) => {
                  storedHead = Math.max(storedHead, update.id);
                  return manual.bus.publish('main', { kind: 'update', update });
                }),
              );
              head += 1;
              break;
            }
            case 'deliver':
              if (manual.held.length > 0) manual.deliver(command.pick % manual.held.length);
              break;
            case 'drop':
              if (manual.held.length > 0) manual.drop(command.pick % manual.held.length);
              break;
            case 'join': {
              const watcher = recorder(99);
              const after = command.after === undefined ? undefined : command.after % (storedHead + 1);
              pending.push(hub.subscribe('main', watcher.subscriber, after === undefined ? {} : { after }).live);
              joined.push({ watcher, after });
              break;
            }
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(pending);
        // One final update, delivered, makes the hub notice any dropped tail and fill it.
        await manual.bus.publish('main', { kind: 'update', update: await append(storage, senderId, head) });
        head += 1;
        while (manual.held.length > 0) manual.deliver(0);
        await settle();
        expect(errors).toEqual([]);
        for (const { watcher, after } of joined) {
          const subscribed = watcher.frames[0];
          const from = after ?? (subscribed?.type === 'subscribed' ? subscribed.headId : -1);
          expect(watcher.updateIds()).toEqual(Array.from({ length: head - from }, (_, n) => from + n + 1));
        }
      }),
      { numRuns: 150 },
    );
  });
});
