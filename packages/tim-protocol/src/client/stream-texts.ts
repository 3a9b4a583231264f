import type { StreamEndEvent, StreamEvent, Timite, Update } from '../schemas/entities';
import { codePointLength } from '../schemas/limits';

/** A streaming message as a subscriber sees it. */
export interface StreamText {
  readonly streamId: string;
  readonly spaceId: string;
  readonly author: Timite;
  readonly clientMsgId: string;
  text: string;
  /** Length of `text` in code points, the unit of `offset`. */
  length: number;
  /** Set once `stream_end` arrived; the text stays until its final message does. */
  end: StreamEndEvent | undefined;
}

/** Stream ids whose final message was seen, remembered so a late frame cannot revive one. */
const SETTLED_MEMORY = 1000;

/**
 * The growing texts of the streams a subscriber sees, built from `stream` and `stream_end`
 * events and the final messages. The one place of the offset rule: offset 0 replaces, the
 * current length appends, anything else is ignored until the next offset 0 or the final
 * message. Growing text is removed when its final message arrives (no duplicate) or when the
 * stream ended without one.
 */
export class StreamTexts {
  private readonly streams = new Map<string, StreamText>();
  private readonly settled = new Set<string>();

  /** Applies a stream event; true when what a reader sees changed. */
  apply(event: StreamEvent | StreamEndEvent): boolean {
    if (this.settled.has(event.streamId)) return false;
    return event.type === 'stream' ? this.grow(event) : this.end(event);
  }

  /** A final message arrived: its growing text is gone. True when one was removed. */
  settle(update: Update): boolean {
    const streamId = update.event.type === 'message' ? update.event.message.stream?.id : undefined;
    if (streamId === undefined) return false;
    this.remember(streamId);
    return this.streams.delete(streamId);
  }

  /** The open (or ended, not yet replaced) streams of a space, oldest first. */
  inSpace(spaceId: string): StreamText[] {
    return [...this.streams.values()].filter((stream) => stream.spaceId === spaceId);
  }

  get(streamId: string): StreamText | undefined {
    return this.streams.get(streamId);
  }

  /** Drops a space's streams (unsubscribed, or its timeline reloaded). */
  forgetSpace(spaceId: string): void {
    for (const [streamId, stream] of this.streams) if (stream.spaceId === spaceId) this.streams.delete(streamId);
  }

  private grow(event: StreamEvent): boolean {
    const known = this.streams.get(event.streamId);
    if (known?.end !== undefined) return false;
    if (event.offset === 0) {
      this.streams.set(event.streamId, {
        streamId: event.streamId,
        spaceId: event.spaceId,
        author: event.author,
        clientMsgId: event.clientMsgId,
        text: event.text,
        length: codePointLength(event.text),
        end: undefined,
      });
      return known?.text !== event.text;
    }
    if (known === undefined || known.length !== event.offset) return false;
    known.text += event.text;
    known.length += codePointLength(event.text);
    return event.text.length > 0;
  }

  private end(event: StreamEndEvent): boolean {
    const known = this.streams.get(event.streamId);
    if (event.updateId === undefined) {
      this.remember(event.streamId);
      return this.streams.delete(event.streamId);
    }
    if (known === undefined) return false;
    known.end = event;
    return true;
  }

  private remember(streamId: string): void {
    this.settled.add(streamId);
    if (this.settled.size <= SETTLED_MEMORY) return;
    const oldest = this.settled.values().next().value;
    if (oldest !== undefined) this.settled.delete(oldest);
  }
}
