import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { FlushScheduler } from './flush-scheduler';

/** The part of a `ws` WebSocket the queue uses. */
export interface OutboundSocket {
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: false }, callback?: (err?: Error) => void): void;
}

/** The TCP socket under the WebSocket: corked, the frames of one flush leave in one write. */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

export interface OutboundQueueOptions {
  socket: OutboundSocket;
  /** The socket's underlying stream, when reachable; without it frames are written one by one. */
  stream?: CorkableStream;
  /** Runs `flush` after the current task, once however many frames arrive in it. */
  scheduler: FlushScheduler;
  /** Backlog (queued here + the socket's own buffer) past which the peer is a slow consumer. */
  maxBacklogBytes: number;
  /** Frames stay here while the socket already buffers this much. @default 65536 */
  socketHighWaterBytes?: number;
  /** The backlog passed maxBacklogBytes; the queue has stopped and dropped its frames. */
  onOverflow: (backlogBytes: number) => void;
  /** The socket refused a frame (threw or reported an error); the queue has stopped. */
  onSendError: (err: unknown) => void;
}

export interface OutboundQueue {
  /** Never throws and never waits: a frame is queued, sent, or the queue stops. */
  enqueue(frame: OutboundFrame): void;
  /** Writes what the socket buffer has room for; called by the scheduler. Never throws. */
  flush(): void;
  /** Drops everything queued; later frames are ignored. */
  stop(): void;
  readonly queuedBytes: number;
}

const SEND_OPTIONS = { binary: false } as const;
const MAX_HEADER_BYTES = 14;

/**
 * One connection's bounded outbound queue. The hub hands the same frame to many queues; each
 * queue only feeds its own socket, so a slow or dead peer costs nobody else anything.
 * Frames are not written on enqueue: the queue asks the scheduler for one flush per task and
 * then writes everything due at once, corked.
 */
export function createOutboundQueue(options: OutboundQueueOptions): OutboundQueue {
  const { socket, stream, scheduler, maxBacklogBytes, onOverflow, onSendError } = options;
  const highWater = options.socketHighWaterBytes ?? 64 * 1024;
  const frames: OutboundFrame[] = [];
  let head = 0;
  let queuedBytes = 0;
  let isStopped = false;
  let isFlushScheduled = false;

  function stop(): void {
    isStopped = true;
    frames.length = 0;
    head = 0;
    queuedBytes = 0;
  }

  function fail(err: unknown): void {
    if (isStopped) return;
    stop();
    onSendError(err);
  }

  // A callback only when frames have to stay queued above the high-water mark: it writes
  // more once the socket took the batch. A batch that fits needs none (each costs a tick);
  // a socket that fails to write emits 'error' and 'close', which release the connection.
  const afterBatch = (err?: Error): void => {
    if (err !== undefined && err !== null) fail(err);
    else if (head < frames.length) requestFlush();
  };

  function requestFlush(): void {
    if (isFlushScheduled || isStopped) return;
    isFlushScheduled = true;
    scheduler.schedule(queue);
  }

  function writeBatch(): void {
    while (!isStopped && head < frames.length && socket.bufferedAmount < highWater) {
      const frame = frames[head] as OutboundFrame;
      head += 1;
      queuedBytes -= frame.bytes;
      // Errs towards a callback: when the loop stops above the high-water mark with frames
      // left, the frame that took it there carries one (a ws frame header is at most 14 bytes).
      const isStopping = head < frames.length && socket.bufferedAmount + frame.bytes + MAX_HEADER_BYTES >= highWater;
      socket.send(frame.data, SEND_OPTIONS, isStopping ? afterBatch : undefined);
    }
  }

  const queue: OutboundQueue = {
    enqueue(frame) {
      if (isStopped) return;
      frames.push(frame);
      queuedBytes += frame.bytes;
      const backlogBytes = queuedBytes + socket.bufferedAmount;
      if (backlogBytes > maxBacklogBytes) {
        stop();
        onOverflow(backlogBytes);
        return;
      }
      requestFlush();
    },

    flush() {
      isFlushScheduled = false;
      stream?.cork();
      try {
        writeBatch();
      } catch (err) {
        fail(err);
      } finally {
        stream?.uncork();
      }
      if (head === frames.length) {
        frames.length = 0;
        head = 0;
      } else if (head > 1024) {
        frames.splice(0, head);
        head = 0;
      }
    },

    stop,

    get queuedBytes() {
      return queuedBytes;
    },
  };
  return queue;
}
