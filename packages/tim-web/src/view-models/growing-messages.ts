import {
  StreamTexts,
  type SpaceId,
  type StreamEndEvent,
  type StreamEvent,
  type Timite,
  type Update,
} from '@tim/protocol';

/** A message of the open space shown while its author streams it. */
export interface GrowingMessage {
  streamId: string;
  author: Timite;
  /** The text so far, trimmed as its final message will be. */
  text: string;
  /** False once the stream ended and its final message is on its way. */
  isWriting: boolean;
  /** The reader asked to stop it and the stream has not ended yet. */
  isStopping: boolean;
}

/**
 * The messages being written in one space, folded from `stream` and `stream_end` events by
 * the protocol's `StreamTexts` (the offset rule, and which final message replaces which
 * growing text, live there), plus which of them the reader asked to stop.
 */
export class GrowingMessages {
  readonly #spaceId: SpaceId;
  readonly #texts = new StreamTexts();
  readonly #stopping = new Set<string>();

  constructor(spaceId: SpaceId) {
    this.#spaceId = spaceId;
  }

  /** A `stream` or `stream_end` event of this space; true when what shows changed. */
  apply(event: StreamEvent | StreamEndEvent): boolean {
    const changed = this.#texts.apply(event);
    if (event.type === 'stream_end') return this.#stopping.delete(event.streamId) || changed;
    return changed;
  }

  /** An update of this space; a final message takes its growing text's place. True when one went. */
  settle(update: Update): boolean {
    const streamId = update.event.type === 'message' ? update.event.message.stream?.id : undefined;
    if (streamId !== undefined) this.#stopping.delete(streamId);
    return this.#texts.settle(update);
  }

  /**
   * The connection came back. After its replay the server sends every stream still open
   * again from offset 0; one that ended meanwhile without a message must not linger.
   */
  restart(): void {
    this.#texts.forgetSpace(this.#spaceId);
    this.#stopping.clear();
  }

  /** The reader asked to stop this stream; it shows as stopping until it ends. */
  noteStopping(streamId: string): void {
    const stream = this.#texts.get(streamId);
    if (stream?.spaceId === this.#spaceId && stream.end === undefined) this.#stopping.add(streamId);
  }

  /** In the order the streams started. */
  shown(): GrowingMessage[] {
    return this.#texts.inSpace(this.#spaceId).map((stream) => ({
      streamId: stream.streamId,
      author: stream.author,
      text: stream.text.trim(),
      isWriting: stream.end === undefined,
      isStopping: this.#stopping.has(stream.streamId),
    }));
  }

  /** Authors whose message shows growing: what they are doing is plain to see. */
  authorIds(): Set<number> {
    return new Set(this.#texts.inSpace(this.#spaceId).map((stream) => stream.author.id));
  }
}
