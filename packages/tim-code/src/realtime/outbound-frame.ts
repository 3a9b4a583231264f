import type { ServerFrame } from '@tim/protocol';

/** A server frame serialised once; the same object goes to every recipient's queue. */
export interface OutboundFrame {
  readonly text: string;
  /** UTF-8 length of `text`, counted against the slow-consumer limit. */
  readonly bytes: number;
}

export function toOutboundFrame(frame: ServerFrame): OutboundFrame {
  const text = JSON.stringify(frame);
  return { text, bytes: Buffer.byteLength(text, 'utf8') };
}
