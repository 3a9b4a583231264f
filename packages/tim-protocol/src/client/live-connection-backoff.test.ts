import { WebSocket } from 'ws';
import type { TimConnection } from './live-connection';
import { TimClient, type TimClientOptions } from './tim-client';
import { collect, nextEvent, virtualTime } from './test-support/client-events';
import { startFakePeer, type FakeConnection, type FakePeer } from './test-support/fake-peer';

// Real sockets, virtual time: the client's timers (retry, ready, heartbeat, health) move only
// when a test advances them, so delays are read off the schedule, never off a wall clock.

let peer: FakePeer;
let sub: TimConnection | undefined;

beforeEach(async () => {
  peer = await startFakePeer();
});

afterEach(async () => {
  sub?.close();
  sub = undefined;
  await peer.close();
});

/** The default of TimClientOptions.healthyAfterMs. */
const HEALTHY_AFTER_MS = 10_000;

function connect(options: Partial<TimClientOptions> = {}) {
  const time = virtualTime();
  const client = new TimClient({
    baseUrl: peer.baseUrl,
    key: 'key-ada',
    WebSocket,
    timers: time,
    // Each delay is exactly half its cap: minMs 100 gives 50, 100, 200, 400, …
    random: () => 0.5,
    backoff: { minMs: 100, maxMs: 1600 },
    ...options,
  });
  const opened = client.connect();
  sub = opened;
  return { sub: opened, time };
}

/** Accepts the next connection, answers 'ready' and closes it at once, as a crash-looping server does. */
async function readyThenClose(sub: TimConnection): Promise<number> {
  const retried = nextEvent(sub, 'retry');
  const connection = await peer.nextConnection();
  await connection.authenticate();
  connection.closeWith(1011, 'crash loop');
  return (await retried).delayMs;
}

/** Accepts the next connection, expects it to resume `main` after `after` and confirms with `headId`. */
async function acceptMain({ after, headId }: { after: number; headId: number }): Promise<FakeConnection> {
  const connection = await peer.nextConnection();
  await connection.authenticate();
  expect(await connection.nextFrame('subscribe')).toEqual({ type: 'subscribe', spaceId: 'main', after });
  connection.send({ type: 'subscribed', spaceId: 'main', headId });
  return connection;
}

async function sendReplay(sub: TimConnection, connection: FakeConnection, ids: number[]): Promise<void> {
  const lastId = ids[ids.length - 1];
  const delivered = nextEvent(sub, 'update', (update) => update.id === lastId);
  connection.sendUpdates('main', ids);
  await delivered;
}

describe('TimConnection reconnect backoff', () => {
  it('keeps backing off to the cap against a server that closes every socket right after ready', async () => {
    const { sub, time } = connect({ backoff: { minMs: 250, maxMs: 15_000 } });
    sub.subscribe('main', { after: 0 });
    const changes = collect(sub, 'state');
    // The window of the live report: 150 reconnects in 20 s. Stopping at 20 makes the client
    // that redials at minMs fail fast instead of looping on.
    const windowMs = 20_000;
    const delaysMs: number[] = [];
    while (delaysMs.length < 20) {
      const delayMs = await readyThenClose(sub);
      if (time.now() + delayMs > windowMs) break;
      delaysMs.push(delayMs);
      time.advance(delayMs);
    }

    expect(delaysMs).toEqual([125, 250, 500, 1000, 2000, 4000, 7500]);
    expect(peer.connectionCount()).toBe(8);
    // Every one of them did get its 'ready': it is not a failed handshake that grows the delay.
    expect(changes.filter((change) => change.next === 'open')).toHaveLength(8);
    sub.close();
    expect(time.pendingCount()).toBe(0);
  });

  it('does not start over when the connection drops just before healthyAfterMs, and does at healthyAfterMs', async () => {
    const { sub, time } = connect();
    sub.subscribe('main', { after: 0 });
    time.advance(await readyThenClose(sub));
    time.advance(await readyThenClose(sub));

    const early = await acceptMain({ after: 0, headId: 2 });
    await sendReplay(sub, early, [1, 2]);
    time.advance(HEALTHY_AFTER_MS - 1);
    const retriedEarly = nextEvent(sub, 'retry');
    early.drop();
    expect(await retriedEarly).toMatchObject({ attempt: 3, delayMs: 200 });
    // Only the retry is left: the health timer went with the connection.
    expect(time.pendingCount()).toBe(1);
    time.advance(200);

    const healthy = await acceptMain({ after: 2, headId: 4 });
    await sendReplay(sub, healthy, [3, 4]);
    time.advance(HEALTHY_AFTER_MS);
    const retried = nextEvent(sub, 'retry');
    healthy.drop();
    expect(await retried).toMatchObject({ attempt: 1, delayMs: 50 });
  });

  it('does not start over after a long-lived connection whose replay never completed', async () => {
    const { sub, time } = connect();
    sub.subscribe('main', { after: 0 });
    time.advance(await readyThenClose(sub));
    time.advance(await readyThenClose(sub));

    const stalled = await acceptMain({ after: 0, headId: 5 });
    await sendReplay(sub, stalled, [1, 2, 3]);
    // Below two fallback heartbeat intervals, so the heartbeat does not end it first.
    time.advance(5 * HEALTHY_AFTER_MS);
    const retried = nextEvent(sub, 'retry');
    stalled.drop();
    expect(await retried).toMatchObject({ attempt: 3, delayMs: 200 });
  });

  it('starts over when the replay completes after healthyAfterMs, and at healthyAfterMs when there is nothing to replay', async () => {
    const { sub, time } = connect({ healthyAfterMs: 1000 });
    sub.subscribe('main', { after: 0 });
    time.advance(await readyThenClose(sub));

    const late = await acceptMain({ after: 0, headId: 3 });
    await sendReplay(sub, late, [1, 2]);
    time.advance(1000);
    await sendReplay(sub, late, [3]);
    const retried = nextEvent(sub, 'retry');
    late.drop();
    expect(await retried).toMatchObject({ attempt: 1, delayMs: 50 });

    time.advance(50);
    time.advance(await readyThenClose(sub));
    const subscribed = nextEvent(sub, 'subscribed');
    // Resumes after 3 and the head is 3: nothing to replay.
    const caughtUp = await acceptMain({ after: 3, headId: 3 });
    await subscribed;
    time.advance(1000);
    const retriedAgain = nextEvent(sub, 'retry');
    caughtUp.drop();
    expect(await retriedAgain).toMatchObject({ attempt: 1, delayMs: 50 });
  });
});
