import { MessageEvent, UpdateFrame } from '@tim/protocol';

/** What a subscriber needs from an update frame. */
export interface UpdateFields {
  updateId: number;
  content: string;
  /** The stream whose final text this message is (`message.stream.id`); absent for a plain send. */
  streamId?: string;
}

/**
 * Reads an update frame. The first update of each connection is parsed in full with the
 * protocol schemas; later ones go through this shape check instead, because a full zod parse
 * of every frame (tens of thousands per second) would take the CPU the servers are measured
 * on: the load generator shares the machine with them.
 */
export function readUpdateFast(frame: unknown): UpdateFields | undefined {
  if (!isRecord(frame) || !isRecord(frame.update)) return undefined;
  const { id, event } = frame.update;
  if (typeof id !== 'number' || !isRecord(event) || !isRecord(event.message)) return undefined;
  const { content, stream } = event.message;
  if (typeof content !== 'string') return undefined;
  if (stream === undefined) return { updateId: id, content };
  return isRecord(stream) && typeof stream.id === 'string' ? { updateId: id, content, streamId: stream.id } : undefined;
}

/** How tim and the reference servers serialise an update frame: type, then the update's id. */
const UPDATE_TEXT_PREFIX = '{"type":"update","update":{"id":';
const CONTENT_KEY = '"content":"';
/** A streamed message's mark follows its content (tim-code's `toMessageUpdate`). */
const STREAM_MARK_KEY = '"stream":{"id":"';

/**
 * Reads id and content straight from the frame text, without JSON.parse (a fifth of a
 * subscriber worker's CPU). Safe because the only string fields before the content are a
 * slug, an ISO time and a nick, none of which can hold a quote, and the bench's own content
 * is plain ASCII, and a stream id is letters, digits, `_` and `-`. Anything else (other key
 * order, other frame) answers undefined and is parsed as JSON by the caller.
 */
export function readUpdateFromText(text: string): UpdateFields | undefined {
  if (!text.startsWith(UPDATE_TEXT_PREFIX)) return undefined;
  const idEnd = text.indexOf(',', UPDATE_TEXT_PREFIX.length);
  const updateId = Number(text.slice(UPDATE_TEXT_PREFIX.length, idEnd));
  const keyAt = text.indexOf(CONTENT_KEY, idEnd);
  if (!Number.isSafeInteger(updateId) || keyAt === -1) return undefined;
  const contentStart = keyAt + CONTENT_KEY.length;
  const contentEnd = text.indexOf('"', contentStart);
  if (contentEnd === -1 || text.charCodeAt(contentEnd - 1) === 0x5c) return undefined;
  const content = text.slice(contentStart, contentEnd);
  const markAt = text.indexOf(STREAM_MARK_KEY, contentEnd);
  if (markAt === -1) return { updateId, content };
  const streamIdStart = markAt + STREAM_MARK_KEY.length;
  const streamIdEnd = text.indexOf('"', streamIdStart);
  return streamIdEnd === -1 ? undefined : { updateId, content, streamId: text.slice(streamIdStart, streamIdEnd) };
}

/** The full check, for the first update of a connection; throws on a malformed frame. */
export function readUpdateStrict(frame: unknown): UpdateFields {
  const { update } = UpdateFrame.parse(frame);
  const { message } = MessageEvent.parse(update.event);
  return {
    updateId: update.id,
    content: message.content,
    ...(message.stream === undefined ? {} : { streamId: message.stream.id }),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
