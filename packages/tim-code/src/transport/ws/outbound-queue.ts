import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { FlushScheduler } from './flush-scheduler';

/** Where a connection's frames go: its WebSocket (see frame-sink.ts). */
export interface FrameSink {
  /** Bytes written but not yet taken by the kernel. */
  readonly bufferedAmount: number;
  /** Writes one frame without waiting; the callback, when given, runs once it left or failed. */
  writeFrame(frame: OutboundFrame, callback?: (err?: Error | null) => void): void;
  /** Between cork and uncork, written frames are held and leave in one write. */
  cork(): void;
  uncork(): void;
}

export interface OutboundQueueOptions {
  sink: FrameSink;
  /** Runs `flush` after the current task, once however many frames arrive in it. */
  scheduler: FlushScheduler;
  /** Backlog (queued here + the socket's own buffer) past which the peer is a slow consumer. */
  maxBacklogBytes: number;
  /** Frames stay here while the socket already buffers this much. @default 65536 */
  socketHighWaterBytes?: number;
  /** Told when the queue stops by itself. */
  listener: OutboundQueueListener;
}

/** An object rather than two callbacks: the connection is the listener, no closures per socket. */
export interface OutboundQueueListener {
  /** The backlog passed maxBacklogBytes; the queue has stopped and dropped its frames. */
  onQueueOverflow(backlogBytes: number): void;
  /** The socket refused a frame (threw or reported an error); the queue has stopped. */
  onQueueSendError(err: unknown): void;
}

export interface OutboundQueue {
  /** Never throws and never waits: a frame is queued, sent, or the queue stops. */
  enqueue(frame: OutboundFrame): void;
  /** Writes what the socket buffer has room for; called by the scheduler. Never throws. */
  flush(): void;
  /** Drops everything queued; later frames are ignored. */
  stop(): void;
  /**
   * For senders that can wait (a replay): undefined while at most `maxQueuedBytes` wait here,
   * else a promise that resolves once the queue is down to that, or has stopped.
   */
  waitForRoom(maxQueuedBytes: number): Promise<void> | undefined;
  readonly queuedBytes: number;
}

interface RoomWaiter {
  readonly maxQueuedBytes: number;
  readonly resolve: () => void;
}

/**
 * One connection's bounded outbound queue. The hub hands the same frame to many queues; each
 * queue only feeds its own socket, so a slow or dead peer costs nobody else anything.
 * Frames are not written on enqueue: the queue asks the scheduler for one flush per task and
 * then writes everything due at once, corked.
 */
export function createOutboundQueue(options: OutboundQueueOptions): OutboundQueue {
  return new BoundedOutboundQueue(options);
}

// A class rather than closures: one object per connection instead of ten functions and their
// context, which matters at thousands of idle connections.
class BoundedOutboundQueue implements OutboundQueue {
  private readonly sink: FrameSink;
  private readonly scheduler: FlushScheduler;
  private readonly listener: OutboundQueueListener;
  private readonly maxBacklog: number;
  private readonly highWater: number;
  private readonly frames: OutboundFrame[] = [];
  private head = 0;
  private queued = 0;
  private isStopped = false;
  private isFlushScheduled = false;
  /** Made on first need: most sockets never fill their buffer. */
  private afterBatch: ((err?: Error | null) => void) | undefined;
  /** Made on first need: only replays wait. */
  private roomWaiters: RoomWaiter[] | undefined;

  constructor(options: OutboundQueueOptions) {
    this.sink = options.sink;
    this.scheduler = options.scheduler;
    this.listener = options.listener;
    this.maxBacklog = options.maxBacklogBytes;
    this.highWater = options.socketHighWaterBytes ?? 64 * 1024;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  enqueue(frame: OutboundFrame): void {
    if (this.isStopped) return;
    this.frames.push(frame);
    this.queued += frame.bytes;
    const backlogBytes = this.queued + this.sink.bufferedAmount;
    if (backlogBytes > this.maxBacklog) {
      this.stop();
      this.listener.onQueueOverflow(backlogBytes);
      return;
    }
    this.requestFlush();
  }

  flush(): void {
    this.isFlushScheduled = false;
    // Corking only pays for two frames or more: one frame is one write either way.
    const isBatch = this.frames.length - this.head > 1;
    if (isBatch) this.sink.cork();
    try {
      this.writeBatch();
    } catch (err) {
      this.fail(err);
    } finally {
      if (isBatch) this.sink.uncork();
    }
    if (this.head === this.frames.length) {
      this.frames.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
    if (this.roomWaiters !== undefined) this.wakeRoomWaiters();
  }

  stop(): void {
    this.isStopped = true;
    this.frames.length = 0;
    this.head = 0;
    this.queued = 0;
    if (this.roomWaiters !== undefined) this.wakeRoomWaiters();
  }

  waitForRoom(maxQueuedBytes: number): Promise<void> | undefined {
    if (this.isStopped || this.queued <= maxQueuedBytes) return undefined;
    // Frames are queued, so a flush is due (scheduled, or after the socket takes its batch),
    // and every flush wakes the waiters it made room for.
    return new Promise((resolve) => (this.roomWaiters ??= []).push({ maxQueuedBytes, resolve }));
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters ?? [];
    const stillWaiting = waiters.filter((waiter) => !this.isStopped && this.queued > waiter.maxQueuedBytes);
    this.roomWaiters = stillWaiting.length > 0 ? stillWaiting : undefined;
    for (const waiter of waiters) if (!stillWaiting.includes(waiter)) waiter.resolve();
  }

  private fail(err: unknown): void {
    if (this.isStopped) return;
    this.stop();
    this.listener.onQueueSendError(err);
  }

  private requestFlush(): void {
    if (this.isFlushScheduled || this.isStopped) return;
    this.isFlushScheduled = true;
    this.scheduler.schedule(this);
  }

  private writeBatch(): void {
    const { sink, frames, highWater } = this;
    while (!this.isStopped && this.head < frames.length && sink.bufferedAmount < highWater) {
      const frame = frames[this.head] as OutboundFrame;
      this.head += 1;
      this.queued -= frame.bytes;
      // A callback only on the frame that takes the buffer over the high-water mark: it writes
      // what is queued by then once the socket took the batch, so frames never wait above the
      // mark unnoticed, even those enqueued after this flush. A batch that fits needs none (each
      // costs a tick); a socket that fails to write emits 'error' and 'close', which release
      // the connection.
      const isCrossing = sink.bufferedAmount + frame.wire.length >= highWater;
      sink.writeFrame(frame, isCrossing ? this.callbackAfterBatch() : undefined);
    }
  }

  private callbackAfterBatch(): (err?: Error | null) => void {
    this.afterBatch ??= (err?: Error | null): void => {
      if (err !== undefined && err !== null) this.fail(err);
      else if (this.head < this.frames.length) this.requestFlush();
    };
    return this.afterBatch;
  }
}
