import { codePointLength, type StreamEndEvent, type StreamEvent } from '@tim/protocol';

interface StreamView {
  /** The newest event, for the stream's author and ids. */
  latest: StreamEvent;
  text: string;
  length: number;
  /** Whether `text` is the whole text from offset 0 (false after a gap, until a snapshot). */
  complete: boolean;
  heardAt: number;
}

/**
 * What one process knows of a space's open streams, from the `stream` events it hears on the
 * bus: the text so far of each, so a subscriber who joins mid-stream gets it (offset 0) and
 * then the rest. A view with a gap (this process started hearing mid-stream, or the bus lost
 * an event) is incomplete and given to nobody until the stream's holder sends the whole text.
 */
export class StreamViews {
  private readonly views = new Map<string, StreamView>();

  constructor(private readonly now: () => number = Date.now) {}

  apply(event: StreamEvent | StreamEndEvent): void {
    if (event.type === 'stream_end') {
      this.views.delete(event.streamId);
      return;
    }
    const view = this.views.get(event.streamId);
    if (event.offset === 0 || view === undefined) {
      this.views.set(event.streamId, {
        latest: event,
        text: event.offset === 0 ? event.text : '',
        length: event.offset === 0 ? codePointLength(event.text) : 0,
        complete: event.offset === 0,
        heardAt: this.now(),
      });
      return;
    }
    view.latest = event;
    view.heardAt = this.now();
    if (view.complete && event.offset === view.length) {
      view.text += event.text;
      view.length += codePointLength(event.text);
    } else {
      view.complete = false;
    }
  }

  /** The whole text so far of every stream known completely, as offset-0 events. */
  snapshots(): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const view of this.views.values()) {
      if (view.complete) events.push({ ...view.latest, offset: 0, text: view.text });
    }
    return events;
  }

  /** Forgets streams not heard of for `lostAfterMs` (their holder went away) and returns their ends. */
  expire(lostAfterMs: number): StreamEndEvent[] {
    const ends: StreamEndEvent[] = [];
    const cutoff = this.now() - lostAfterMs;
    for (const [streamId, view] of this.views) {
      if (view.heardAt > cutoff) continue;
      this.views.delete(streamId);
      const { spaceId, author } = view.latest;
      ends.push({ type: 'stream_end', spaceId, streamId, author, reason: 'lost' });
    }
    return ends;
  }

  get size(): number {
    return this.views.size;
  }
}
