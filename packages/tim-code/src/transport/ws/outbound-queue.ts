import type { OutboundFrame } from '../../realtime/outbound-frame';

/** The part of a `ws` WebSocket the queue uses. */
export interface OutboundSocket {
  readonly bufferedAmount: number;
  send(data: string, callback: (err?: Error) => void): void;
}

export interface OutboundQueueOptions {
  socket: OutboundSocket;
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
  /** Drops everything queued; later frames are ignored. */
  stop(): void;
  readonly queuedBytes: number;
}

/**
 * One connection's bounded outbound queue. The hub hands the same frame to many queues; each
 * queue only feeds its own socket, so a slow or dead peer costs nobody else anything.
 */
export function createOutboundQueue(options: OutboundQueueOptions): OutboundQueue {
  const { socket, maxBacklogBytes, onOverflow, onSendError } = options;
  const highWater = options.socketHighWaterBytes ?? 64 * 1024;
  const frames: OutboundFrame[] = [];
  let head = 0;
  let queuedBytes = 0;
  let stopped = false;

  function stop(): void {
    stopped = true;
    frames.length = 0;
    head = 0;
    queuedBytes = 0;
  }

  function fail(err: unknown): void {
    if (stopped) return;
    stop();
    onSendError(err);
  }

  const afterSend = (err?: Error): void => {
    if (err !== undefined && err !== null) fail(err);
    else flush();
  };

  function flush(): void {
    while (!stopped && head < frames.length && socket.bufferedAmount < highWater) {
      const frame = frames[head] as OutboundFrame;
      head += 1;
      queuedBytes -= frame.bytes;
      try {
        socket.send(frame.text, afterSend);
      } catch (err) {
        fail(err);
        return;
      }
    }
    if (head === frames.length) {
      frames.length = 0;
      head = 0;
    } else if (head > 1024) {
      frames.splice(0, head);
      head = 0;
    }
  }

  return {
    enqueue(frame) {
      if (stopped) return;
      frames.push(frame);
      queuedBytes += frame.bytes;
      const backlogBytes = queuedBytes + socket.bufferedAmount;
      if (backlogBytes > maxBacklogBytes) {
        stop();
        onOverflow(backlogBytes);
        return;
      }
      flush();
    },
    stop,
    get queuedBytes() {
      return queuedBytes;
    },
  };
}
