import type { ServerFrame } from '@tim/protocol';

/**
 * A server frame serialised once; the same object goes to every recipient's queue.
 *
 * It carries the whole WebSocket frame as it goes on the wire (RFC 6455: a server's frames
 * are unmasked; ours are never fragmented or compressed), so writing it to a thousand sockets
 * costs a thousand writes of one Buffer: no per-socket framing, header Buffer, options object
 * or second write, which is what ws's `send` does for every socket.
 */
export interface OutboundFrame {
  /** The frame's JSON as UTF-8: the WebSocket payload (a view into `wire`). */
  readonly data: Buffer;
  /** Header and payload of one final text frame. */
  readonly wire: Buffer;
  /** Counted against the slow-consumer limit. */
  readonly bytes: number;
}

const FIN_TEXT = 0x81;

export function toOutboundFrame(frame: ServerFrame): OutboundFrame {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json, 'utf8');
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + length);
  wire[0] = FIN_TEXT;
  if (headerLength === 2) {
    wire[1] = length;
  } else if (headerLength === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  wire.write(json, headerLength, 'utf8');
  return { data: wire.subarray(headerLength), wire, bytes: length };
}
