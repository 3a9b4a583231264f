import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Update } from '@tim/protocol';
import { Redis } from 'ioredis';
import { startOwnRedis } from '../../test/support/own-services';
import { TEST_REDIS_URL, uniqueRedisPrefix } from '../../test/support/redis';
import type { BusEvent, PublishedEvent } from './bus';
import { describeBusContract } from './bus.contract';
import { createRedisBus } from './redis-bus';

describeBusContract('redis', async () => {
  const bus = await createRedisBus({
    url: TEST_REDIS_URL,
    channelPrefix: uniqueRedisPrefix(),
    onListenerError: () => undefined,
  });
  return { bus, cleanup: () => bus.close() };
});

function messageUpdate(id: number): PublishedEvent {
  const at = new Date(0).toISOString();
  const update: Update = {
    id,
    spaceId: 'main',
    at,
    event: {
      type: 'message',
      message: {
        id,
        spaceId: 'main',
        sender: { id: 1, nick: 'ada', kind: 'human' },
        content: `message ${id}`,
        mentions: [],
        createdAt: at,
      },
    },
  };
  return { kind: 'update', update };
}

function nextEvent(): { listener: (event: BusEvent) => void; received: Promise<BusEvent> } {
  let resolve: (event: BusEvent) => void = () => undefined;
  const received = new Promise<BusEvent>((r) => (resolve = r));
  return { listener: (event) => resolve(event), received };
}

describe('createRedisBus', () => {
  it('carries events between two buses, as between two processes', async () => {
    const channelPrefix = uniqueRedisPrefix();
    const [here, there] = await Promise.all([
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix }),
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix }),
    ]);
    try {
      const { listener, received } = nextEvent();
      await there.subscribe('main', listener);
      await here.publish('main', messageUpdate(1));
      expect(await received).toEqual(messageUpdate(1));
    } finally {
      await Promise.all([here.close(), there.close()]);
    }
  });

  it('carries every space to a listener to all spaces on another bus (PSUBSCRIBE), once even where the space is subscribed too', async () => {
    const channelPrefix = uniqueRedisPrefix();
    const [here, there] = await Promise.all([
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix }),
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix }),
    ]);
    try {
      const inAll: Array<[string, PublishedEvent]> = [];
      const inMain: BusEvent[] = [];
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      await there.subscribe('main', (event) => inMain.push(event));
      await there.subscribeAll((spaceId, event) => {
        inAll.push([spaceId, event]);
        if (inAll.length === 2) resolve();
      });
      const marker: PublishedEvent = { kind: 'read-marker', timiteId: 2, readUpTo: 5 };
      await here.publish('main', messageUpdate(1));
      await here.publish('elsewhere', marker);
      await done;
      await new Promise((r) => setTimeout(r, 50));
      expect(inAll).toEqual([
        ['main', messageUpdate(1)],
        ['elsewhere', marker],
      ]);
      expect(inMain).toEqual([messageUpdate(1)]);
    } finally {
      await Promise.all([here.close(), there.close()]);
    }
  });

  it('carries an access change with its grant, and keeps an access change with keys it does not know (from a newer release)', async () => {
    const channelPrefix = uniqueRedisPrefix();
    const errors: unknown[] = [];
    const [here, there] = await Promise.all([
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix }),
      createRedisBus({ url: TEST_REDIS_URL, channelPrefix, onError: (err) => errors.push(err) }),
    ]);
    const newer = new Redis(TEST_REDIS_URL);
    try {
      const received: BusEvent[] = [];
      let bothArrived: () => void = () => undefined;
      const both = new Promise<void>((resolve) => (bothArrived = resolve));
      await there.subscribe('crew', (event) => {
        if (received.push(event) === 2) bothArrived();
      });
      // Awaited one after the other, so Redis passes them on in this order.
      await newer.publish(`${channelPrefix}crew`, '{"kind":"access","grant":{"timiteIds":[3]},"later":{"x":1}}');
      await here.publish('crew', { kind: 'access', grant: { timiteIds: [2] } });
      await both;
      expect(received).toEqual([
        { kind: 'access', grant: { timiteIds: [3] } },
        { kind: 'access', grant: { timiteIds: [2] } },
      ]);
      expect(errors).toEqual([]);
    } finally {
      newer.disconnect();
      await Promise.all([here.close(), there.close()]);
    }
  });

  it('drops a message that is not a bus event, says so, and keeps delivering', async () => {
    const channelPrefix = uniqueRedisPrefix();
    const errors: unknown[] = [];
    const bus = await createRedisBus({ url: TEST_REDIS_URL, channelPrefix, onError: (err) => errors.push(err) });
    const intruder = new Redis(TEST_REDIS_URL);
    try {
      const received: BusEvent[] = [];
      const second = nextEvent();
      await bus.subscribe('main', (event) => received.push(event));
      await bus.subscribe('main', second.listener);
      await intruder.publish(`${channelPrefix}main`, '{"kind":"update","update":{"id":"not a number"}}');
      await intruder.publish(`${channelPrefix}main`, 'not json');
      await bus.publish('main', messageUpdate(2));
      expect(await second.received).toEqual(messageUpdate(2));
      expect(received).toEqual([messageUpdate(2)]);
      expect(errors).toHaveLength(2);
      expect(String(errors[0])).toContain('dropped a malformed message');
    } finally {
      intruder.disconnect();
      await bus.close();
    }
  });

  it('fails to start with a sentence naming the server, without its password, when Redis is not there', async () => {
    const attempt = createRedisBus({ url: 'redis://:s3cret@127.0.0.1:1', onError: () => undefined });
    await expect(attempt).rejects.toThrow(/Could not connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});

/** A TCP relay to Redis that the test can cut and restore, standing for a network failure. */
async function startRelay(
  target: URL,
): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { url: `redis://127.0.0.1:${port}`, cut: stop, restore: listen, close: stop };
}

describe('createRedisBus when the connection to Redis is lost', () => {
  it('answers ping with an error within a second, and after reconnecting resubscribes and delivers again', async () => {
    const relay = await startRelay(new URL(TEST_REDIS_URL));
    const channelPrefix = uniqueRedisPrefix();
    const bus = await createRedisBus({ url: relay.url, channelPrefix, onError: () => undefined });
    const direct = await createRedisBus({ url: TEST_REDIS_URL, channelPrefix });
    try {
      const received: number[] = [];
      await bus.subscribe('main', (event) => {
        if (event.kind === 'update') received.push(event.update.id);
      });

      await relay.cut();
      await waitUntil(
        async () =>
          (await bus.ping().then(
            () => 'ok',
            () => 'down',
          )) === 'down',
      );

      await relay.restore();
      await waitUntil(
        async () =>
          (await bus.ping().then(
            () => 'ok',
            () => 'down',
          )) === 'ok',
      );
      // ioredis resubscribes after the reconnect; keep publishing until the channel is back.
      let id = 0;
      await waitUntil(async () => {
        id += 1;
        await direct.publish('main', messageUpdate(id));
        return received.length > 0;
      });
      expect(received.every((seen, index) => index === 0 || seen > (received[index - 1] ?? 0))).toBe(true);
    } finally {
      await Promise.all([bus.close(), direct.close()]);
      await relay.close();
    }
  }, 20_000);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('createRedisBus through a Redis outage', () => {
  it('delivers to its own listeners while Redis is down, and tells every listener to resync when it returns', async () => {
    const redis = await startOwnRedis();
    const channelPrefix = uniqueRedisPrefix();
    const reconnected: string[] = [];
    const here = await createRedisBus({
      url: redis.url,
      channelPrefix,
      onError: () => undefined,
      onReconnected: () => reconnected.push('here'),
    });
    const there = await createRedisBus({ url: redis.url, channelPrefix, onError: () => undefined });
    try {
      const local: BusEvent[] = [];
      const remote: BusEvent[] = [];
      await here.subscribe('main', (event) => local.push(event));
      await there.subscribe('main', (event) => remote.push(event));
      await here.publish('main', messageUpdate(1));
      await waitUntil(async () => local.length === 1 && remote.length === 1);

      await redis.stop();
      await waitUntil(
        async () =>
          (await here.ping().then(
            () => 'ok',
            () => 'down',
          )) === 'down',
      );
      await here.publish('main', messageUpdate(2));
      await here.publish('main', messageUpdate(3));
      await waitUntil(async () => local.length === 3);
      // Subscribing during the outage does not wait for Redis.
      const late: BusEvent[] = [];
      await here.subscribe('main', (event) => late.push(event));
      await here.publish('main', messageUpdate(4));
      await waitUntil(async () => local.length === 4 && late.length === 1);
      expect(local).toEqual([1, 2, 3, 4].map(messageUpdate));

      await redis.start();
      const resynced = (events: BusEvent[]) => events.some((event) => event.kind === 'resync');
      await waitUntil(async () => reconnected.length > 0 && resynced(local) && resynced(late) && resynced(remote));
      // Its own events come back from Redis only once: locally.
      await there.publish('main', messageUpdate(5));
      await waitUntil(async () => local.some((event) => event.kind === 'update' && event.update.id === 5));
      expect(local.flatMap((event) => (event.kind === 'update' ? [event.update.id] : []))).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await Promise.all([here.close(), there.close()]);
      await redis.close();
    }
  }, 30_000);

  it('publishes the newest update it could not publish once its own link is back, for processes that never lost theirs', async () => {
    const relay = await startRelay(new URL(TEST_REDIS_URL));
    const channelPrefix = uniqueRedisPrefix();
    const cutOff = await createRedisBus({ url: relay.url, channelPrefix, onError: () => undefined });
    const direct = await createRedisBus({ url: TEST_REDIS_URL, channelPrefix });
    try {
      const received: BusEvent[] = [];
      await direct.subscribe('main', (event) => received.push(event));
      await relay.cut();
      await waitUntil(
        async () =>
          (await cutOff.ping().then(
            () => 'ok',
            () => 'down',
          )) === 'down',
      );
      for (const id of [1, 2, 3]) await cutOff.publish('main', messageUpdate(id));
      await relay.restore();
      await waitUntil(async () => received.length > 0);
      expect(received).toEqual([messageUpdate(3)]);
    } finally {
      await Promise.all([cutOff.close(), direct.close()]);
      await relay.close();
    }
  }, 20_000);

  it('closes at once while Redis is away', async () => {
    const redis = await startOwnRedis();
    const bus = await createRedisBus({ url: redis.url, channelPrefix: uniqueRedisPrefix(), onError: () => undefined });
    try {
      await bus.subscribe('main', () => undefined);
      await redis.stop();
      await waitUntil(
        async () =>
          (await bus.ping().then(
            () => 'ok',
            () => 'down',
          )) === 'down',
      );
      await bus.close();
    } finally {
      await redis.close();
    }
  }, 10_000);
});
