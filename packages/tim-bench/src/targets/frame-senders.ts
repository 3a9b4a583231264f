import { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Queues or writes one pre-built text frame to one socket. */
export interface FrameSender {
  send(ws: WebSocket, frame: Buffer): void;
}

/** The naive ceiling: one `ws.send` (one kernel write) per socket per update. */
export function createDirectSender(): FrameSender {
  return {
    send(ws, frame) {
      ws.send(frame, { binary: false });
    },
  };
}

/**
 * The coalescing ceiling: frames due to one socket within an event-loop turn are held and
 * written in one go from `setImmediate`, with the socket corked so they leave in one writev.
 */
export function createCoalescingSender(): FrameSender {
  const pending = new Map<WebSocket, Buffer[]>();
  let isFlushScheduled = false;

  const flush = (): void => {
    isFlushScheduled = false;
    for (const [ws, frames] of pending) {
      const socket = rawSocket(ws);
      socket?.cork();
      for (const frame of frames) ws.send(frame, { binary: false });
      socket?.uncork();
    }
    pending.clear();
  };

  return {
    send(ws, frame) {
      const frames = pending.get(ws);
      if (frames === undefined) pending.set(ws, [frame]);
      else frames.push(frame);
      if (!isFlushScheduled) {
        isFlushScheduled = true;
        setImmediate(flush);
      }
    },
  };
}

/**
 * ws keeps its net.Socket private; corking it is the only way to merge several ws frames into
 * one write without changing the frame shape. Checked at runtime so a ws upgrade that renames
 * the field degrades to uncorked writes instead of failing.
 */
function rawSocket(ws: WebSocket): Socket | undefined {
  const candidate: unknown = Reflect.get(ws, '_socket');
  return candidate instanceof Socket ? candidate : undefined;
}
