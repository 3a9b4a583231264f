import { toOutboundFrame } from '../../realtime/outbound-frame';
import type { Flushable, FlushScheduler } from './flush-scheduler';
import { createOutboundQueue, type FrameSink } from './outbound-queue';

/** A sink whose buffer only drains when the test says so; it records cork batches. */
function createFakeSink() {
  const pending: Array<{ bytes: number; callback: ((err?: Error | null) => void) | undefined }> = [];
  const sent: string[] = [];
  const batches: number[] = [];
  let corked = false;
  let throwOnSend = false;
  const sink: FrameSink = {
    get bufferedAmount() {
      return pending.reduce((sum, entry) => sum + entry.bytes, 0);
    },
    writeFrame(frame, callback) {
      if (throwOnSend) throw new Error('socket is gone');
      pending.push({ bytes: frame.wire.length, callback });
      sent.push(frame.data.toString());
      if (corked) batches[batches.length - 1] = (batches.at(-1) ?? 0) + 1;
    },
    cork() {
      corked = true;
      batches.push(0);
    },
    uncork() {
      corked = false;
    },
  };
  return {
    sink,
    sent,
    batches,
    callbacks: () => pending.filter((entry) => entry.callback !== undefined).length,
    /** The kernel takes everything buffered; callbacks run in write order. */
    drainAll() {
      for (const entry of pending.splice(0, pending.length)) entry.callback?.();
    },
    failNext() {
      throwOnSend = true;
    },
  };
}

/** Flushes when the test says so, like a microtask that has not run yet. */
function createManualScheduler() {
  const due: Flushable[] = [];
  const scheduler: FlushScheduler & { run(): void } = {
    schedule(target) {
      due.push(target);
    },
    run() {
      for (const target of due.splice(0, due.length)) target.flush();
    },
  };
  return scheduler;
}

const frame = (n: number) => toOutboundFrame({ type: 'subscribed', spaceId: 'main', headId: n });
const headIds = (sent: string[]) => sent.map((text) => (JSON.parse(text) as { headId: number }).headId);

describe('createOutboundQueue', () => {
  it('writes the frames of one task in one corked batch, after the task, without write callbacks', () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 10_000,
      listener: { onQueueOverflow: jest.fn(), onQueueSendError: jest.fn() },
    });
    for (let n = 1; n <= 3; n += 1) queue.enqueue(frame(n));
    expect(fake.sent).toHaveLength(0);
    scheduler.run();
    expect(headIds(fake.sent)).toEqual([1, 2, 3]);
    expect(fake.batches).toEqual([3]);
    expect(fake.callbacks()).toBe(0);
  });

  it('holds frames while the socket buffer is above the high-water mark and sends them in order as it drains', () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 10_000,
      socketHighWaterBytes: 1,
      listener: { onQueueOverflow: jest.fn(), onQueueSendError: jest.fn() },
    });
    for (let n = 1; n <= 3; n += 1) queue.enqueue(frame(n));
    scheduler.run();
    expect(fake.sent).toHaveLength(1);
    for (let round = 0; round < 2; round += 1) {
      fake.drainAll();
      scheduler.run();
    }
    expect(headIds(fake.sent)).toEqual([1, 2, 3]);
  });

  it('reports overflow once the backlog, including the socket buffer, passes the limit, and drops the rest', () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const onOverflow = jest.fn();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 200,
      socketHighWaterBytes: 1,
      listener: { onQueueOverflow: onOverflow, onQueueSendError: jest.fn() },
    });
    queue.enqueue(frame(1));
    scheduler.run();
    for (let n = 2; n <= 10; n += 1) queue.enqueue(frame(n));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(queue.queuedBytes).toBe(0);
  });

  it('turns a throwing send into one onSendError and stops, without throwing to the caller', () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const onSendError = jest.fn();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 10_000,
      listener: { onQueueOverflow: jest.fn(), onQueueSendError: onSendError },
    });
    fake.failNext();
    queue.enqueue(frame(1));
    expect(() => scheduler.run()).not.toThrow();
    queue.enqueue(frame(2));
    scheduler.run();
    expect(onSendError).toHaveBeenCalledTimes(1);
  });
  it('sends frames enqueued after the one that filled the socket once it drains, with no further enqueue', () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 10_000,
      socketHighWaterBytes: 1,
      listener: { onQueueOverflow: jest.fn(), onQueueSendError: jest.fn() },
    });
    queue.enqueue(frame(1));
    scheduler.run();
    queue.enqueue(frame(2));
    scheduler.run();
    expect(headIds(fake.sent)).toEqual([1]);
    fake.drainAll();
    scheduler.run();
    expect(headIds(fake.sent)).toEqual([1, 2]);
  });

  it('lets a waiting sender go on once flushes bring the queue down to its room, or the queue stops', async () => {
    const fake = createFakeSink();
    const scheduler = createManualScheduler();
    const queue = createOutboundQueue({
      sink: fake.sink,
      scheduler,
      maxBacklogBytes: 10_000,
      socketHighWaterBytes: 1,
      listener: { onQueueOverflow: jest.fn(), onQueueSendError: jest.fn() },
    });
    const oneFrame = frame(1).bytes;
    expect(queue.waitForRoom(0)).toBeUndefined();
    for (let n = 1; n <= 4; n += 1) queue.enqueue(frame(n));
    const room = queue.waitForRoom(oneFrame);
    expect(room).toBeInstanceOf(Promise);
    let hasRoom = false;
    void room?.then(() => (hasRoom = true));
    scheduler.run();
    await Promise.resolve();
    expect(hasRoom).toBe(false);
    for (let round = 0; round < 2; round += 1) {
      fake.drainAll();
      scheduler.run();
    }
    await Promise.resolve();
    expect(hasRoom).toBe(true);
    expect(queue.queuedBytes).toBeLessThanOrEqual(oneFrame);

    for (let n = 5; n <= 8; n += 1) queue.enqueue(frame(n));
    const stopped = queue.waitForRoom(0);
    queue.stop();
    await expect(stopped).resolves.toBeUndefined();
  });
});
