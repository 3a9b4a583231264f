import { TimClientError, type OutgoingStream, type StreamEndEvent } from '@tim/protocol';

/**
 * Appends are sent at most this often, in ms. tim-code publishes a stream at most every 50 ms
 * anyway, and allows 600 appends per 10 s per timite (`TIM_RATE_STREAM_APPENDS`): at 100 ms an
 * agent with its three open streams (`TIM_STREAMS_PER_TIMITE`) uses half of that.
 */
export const STREAM_APPEND_INTERVAL_MS = 100;

/** How a reply stream ended, once the LLM's reply is complete. */
export type ReplyStreamOutcome =
  /** Stored as a message with this update id. */
  | { kind: 'finished'; updateId: number }
  /** Never opened: no text was written, the server refused the open (`code`), or `whyNotStream` said why not. */
  | { kind: 'not_streamed'; code: string | undefined }
  /** It ended otherwise before it could finish: a human stopped it, it timed out, the connection dropped. */
  | { kind: 'ended'; end: StreamEndEvent };

/**
 * One reply shown in a space as it is written: opened with the first text, grown in batches,
 * then finished or withdrawn.
 */
export interface ReplyStream {
  /** Adds text: the first text opens the stream, the rest is appended in batches. */
  write(text: string): void;
  /** Appends what is left and finishes. Throws the server's refusal of the finish, after withdrawing the stream. */
  finish(): Promise<ReplyStreamOutcome>;
  /** Withdraws the stream (nothing is stored); an open still under way is withdrawn once it completes. */
  abort(): void;
  /** The end, when the stream ended other than by `finish` or `abort`. */
  endedOtherwise(): Promise<StreamEndEvent> | undefined;
}

export interface ReplyStreamOptions {
  /** Opens the stream with its first text; rejects with the server's refusal. */
  open: (text: string) => Promise<OutgoingStream>;
  appendIntervalMs: number;
  /** Asked at the first text: a reason not to stream this reply (it is then posted whole), undefined to stream. */
  whyNotStream?: () => string | undefined;
  /** Called once the stream shows in the space. */
  onOpened: () => void;
  /** Called at once when the stream ended other than by `finish` or `abort` (e.g. a human stopped it). */
  onEndedOtherwise: () => void;
}

export function createReplyStream(options: ReplyStreamOptions): ReplyStream {
  let opening: Promise<void> | undefined;
  let stream: OutgoingStream | undefined;
  let refusalCode: string | undefined;
  let isRefused = false;
  let isWithdrawn = false;
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  let lastAppendMs = 0;

  function onOpen(opened: OutgoingStream): void {
    if (isWithdrawn) return opened.abort();
    stream = opened;
    if (opened.signal.aborted) return options.onEndedOtherwise();
    opened.signal.addEventListener('abort', options.onEndedOtherwise, { once: true });
    options.onOpened();
    scheduleAppend();
  }

  function onRefused(err: unknown): void {
    isRefused = true;
    refusalCode = err instanceof TimClientError ? err.code : undefined;
    pending = '';
  }

  function scheduleAppend(): void {
    if (stream === undefined || timer !== undefined || pending === '') return;
    const waitMs = Math.max(0, lastAppendMs + options.appendIntervalMs - Date.now());
    timer = setTimeout(append, waitMs);
  }

  function append(): void {
    timer = undefined;
    if (stream === undefined || pending === '' || !stream.isOpen) return;
    const text = pending;
    pending = '';
    lastAppendMs = Date.now();
    try {
      stream.append(text);
    } catch {
      // The stream ended meanwhile; its signal has already said why.
    }
  }

  return {
    write(text) {
      if (text === '' || isRefused || isWithdrawn) return;
      if (opening === undefined) {
        const reason = options.whyNotStream?.();
        if (reason !== undefined) {
          isRefused = true;
          refusalCode = reason;
          return;
        }
        opening = options.open(text).then(onOpen, onRefused);
        return;
      }
      pending += text;
      scheduleAppend();
    },

    async finish() {
      await opening;
      clearTimeout(timer);
      timer = undefined;
      if (stream === undefined) return { kind: 'not_streamed', code: isRefused ? refusalCode : undefined };
      if (stream.endReason !== undefined) return { kind: 'ended', end: await stream.ended };
      append();
      let end: StreamEndEvent;
      try {
        end = await stream.finish();
      } catch (err) {
        stream.abort();
        throw err;
      }
      if (end.reason === 'finished' && end.updateId !== undefined) return { kind: 'finished', updateId: end.updateId };
      return { kind: 'ended', end };
    },

    abort() {
      isWithdrawn = true;
      clearTimeout(timer);
      timer = undefined;
      stream?.abort();
    },

    endedOtherwise() {
      return stream?.signal.aborted ? stream.ended : undefined;
    },
  };
}
