import type { ServerFrame } from '@tim/protocol';
import { toOutboundFrame } from './outbound-frame';

const errorFrame = (message: string): ServerFrame => ({ type: 'error', code: 'invalid_request', message });

/** The payload length a WebSocket header announces (RFC 6455 §5.2). */
function announcedLength(wire: Buffer): { length: number; headerLength: number } {
  const short = (wire[1] ?? 0) & 0x7f;
  if (short < 126) return { length: short, headerLength: 2 };
  if (short === 126) return { length: wire.readUInt16BE(2), headerLength: 4 };
  return { length: Number(wire.readBigUInt64BE(2)), headerLength: 10 };
}

describe('toOutboundFrame', () => {
  it.each([
    ['under 126 bytes (7-bit length)', 10, 2],
    ['of 126 to 65 535 bytes (16-bit length)', 300, 4],
    ['of 65 536 bytes or more (64-bit length)', 70_000, 10],
  ])('frames a payload %s as one final, unmasked text frame', (_, messageLength, expectedHeader) => {
    const frame = errorFrame('é'.repeat(messageLength / 2));
    const outbound = toOutboundFrame(frame);

    expect(outbound.data.toString('utf8')).toBe(JSON.stringify(frame));
    expect(outbound.bytes).toBe(Buffer.byteLength(JSON.stringify(frame)));
    expect(outbound.wire[0]).toBe(0x81);
    expect(announcedLength(outbound.wire)).toEqual({ length: outbound.bytes, headerLength: expectedHeader });
    expect(outbound.wire.subarray(expectedHeader)).toEqual(outbound.data);
  });
});
