import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { FrameSink } from './outbound-queue';

/**
 * The frame sink of one WebSocket, and the one place tim-code writes beside ws's API. Frames
 * arrive already framed for the wire (OutboundFrame.wire), so they go straight to the TCP socket
 * under the WebSocket: the socket of the HTTP upgrade, which ws-server.ts hands to ws's
 * `handleUpgrade` and here, and which ws writes its own frames to. ws's `send` would build a
 * header, an options object and two writes per frame for every socket, and ws has no public way
 * to cork its socket (declined upstream, websockets/ws#1999), so through `send` alone every frame
 * is a system call of its own. Byte for byte this is what `send` writes for an unfragmented text
 * frame on a server without per-message compression (ours has none).
 *
 * What it buys, burst-1000 (1000 subscribers, 500 messages as fast as 8 requests in flight
 * allow), server CPU per delivery, medians of 6 interleaved runs on a shared 2-core machine
 * (load 1–6; docs/performance-notes.md, "Burst"): 2.77 µs here, 3.63 through `send` with only
 * `_socket`'s cork kept (1.26× paired), 8.17 through `send` alone (2.9×).
 *
 * frame-sink.test.ts fails when ws no longer writes its frames straight to the upgrade socket,
 * or no longer writes the bytes a pre-built frame holds. No private field of ws is read; without
 * a TCP socket (none in some tests) frames go through `send`.
 */
export function createFrameSink(ws: WebSocket, upgradeSocket: Duplex | undefined): FrameSink {
  return upgradeSocket instanceof Socket ? new RawSocketFrameSink(ws, upgradeSocket) : new SendFrameSink(ws);
}

class RawSocketFrameSink implements FrameSink {
  constructor(
    private readonly ws: WebSocket,
    private readonly raw: Socket,
  ) {}

  /**
   * What ws's own `bufferedAmount` counts, read without its getter: the TCP socket's buffer,
   * plus ws's sender queue, which holds bytes only while compressing or reading a Blob (never
   * here).
   */
  get bufferedAmount(): number {
    return this.raw.writableLength;
  }

  writeFrame(frame: OutboundFrame, callback?: (err?: Error | null) => void): void {
    // After a close frame, in either direction, no data frame may follow; ws's send refuses too.
    if (this.ws.readyState !== WebSocket.OPEN) {
      callback?.(new Error('The WebSocket is not open.'));
      return;
    }
    this.raw.write(frame.wire, callback);
  }

  cork(): void {
    this.raw.cork();
  }

  uncork(): void {
    this.raw.uncork();
  }
}

class SendFrameSink implements FrameSink {
  constructor(private readonly ws: WebSocket) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  writeFrame(frame: OutboundFrame, callback?: (err?: Error | null) => void): void {
    this.ws.send(frame.data, { binary: false }, callback);
  }

  cork(): void {}

  uncork(): void {}
}
