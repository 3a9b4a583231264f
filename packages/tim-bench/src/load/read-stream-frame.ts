import type { StreamEvent } from '@tim/protocol';

/** What a subscriber needs from a `stream` frame: which stream, and the text from `offset` on. */
export type StreamDelta = Pick<StreamEvent, 'streamId' | 'offset' | 'text'>;

/** How every `stream` frame's text starts (`stream_end` frames continue `_end"`). */
export const STREAM_FRAME_PREFIX = '{"type":"stream",';

const STREAM_PREFIX_BYTES = Buffer.from(STREAM_FRAME_PREFIX);
const STREAM_ID_KEY = '"streamId":"';
const OFFSET_KEY = '"offset":';
const TEXT_KEY = '"text":"';

/**
 * Reads a `stream` frame from its text without JSON.parse: the streaming scenario delivers
 * about 200 000 of them a second, and the subscriber workers share the machine with the
 * server measured. Each key is found by its quoted name followed by `:`, which no JSON string
 * value can hold unescaped (so the last `"text":"` is the key, whatever the text); a text with any escape (a backslash) answers undefined, as does
 * anything else unexpected, and the caller parses that frame in full.
 */
export function readStreamDeltaFromText(frame: string): StreamDelta | undefined {
  if (!frame.startsWith(STREAM_FRAME_PREFIX)) return undefined;
  const streamId = readString(frame, frame.indexOf(STREAM_ID_KEY), STREAM_ID_KEY);
  // Offset and text close the frame: found from its end, past the author and clientMsgId.
  const offsetAt = frame.lastIndexOf(OFFSET_KEY);
  const text = readString(frame, frame.lastIndexOf(TEXT_KEY), TEXT_KEY);
  if (streamId === undefined || offsetAt === -1 || text === undefined) return undefined;
  const offsetStart = offsetAt + OFFSET_KEY.length;
  let offsetEnd = offsetStart;
  while (isDigit(frame.charCodeAt(offsetEnd))) offsetEnd += 1;
  const offset = Number(frame.slice(offsetStart, offsetEnd));
  if (offsetEnd === offsetStart || !Number.isSafeInteger(offset)) return undefined;
  return { streamId, offset, text };
}

/** Whether a frame's payload is a `stream` frame, read from its first bytes without decoding it. */
export function isStreamFrameData(data: Buffer): boolean {
  const length = STREAM_PREFIX_BYTES.length;
  return data.length > length && data.compare(STREAM_PREFIX_BYTES, 0, length, 0, length) === 0;
}

/** The string value of `key` (which ends with its opening quote) found at `keyAt`; undefined if it has escapes. */
function readString(frame: string, keyAt: number, key: string): string | undefined {
  if (keyAt === -1) return undefined;
  const start = keyAt + key.length;
  const end = frame.indexOf('"', start);
  if (end === -1) return undefined;
  const value = frame.slice(start, end);
  return value.includes('\\') ? undefined : value;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
