import type { ServerFrame } from '@tim/protocol';

/**
 * A server frame serialised once, as UTF-8 bytes; the same object goes to every recipient's
 * queue. A Buffer, not a string: ws would encode a string again for every socket it is sent to.
 */
export interface OutboundFrame {
  readonly data: Buffer;
  /** Counted against the slow-consumer limit. */
  readonly bytes: number;
}

export function toOutboundFrame(frame: ServerFrame): OutboundFrame {
  const data = Buffer.from(JSON.stringify(frame), 'utf8');
  return { data, bytes: data.length };
}
