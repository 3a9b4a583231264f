import { codePointLength } from '@tim/protocol';
import type { StreamDelta } from './read-stream-frame';
import { STREAM_TOKEN_CHARS, tokenLatencyMs } from './stream-token';

/** What the subscribers of one worker saw of the streams, summed. */
export interface StreamReceptionCounts {
  /** `stream` frames that continued or restarted a text. */
  applied: number;
  /** `stream` frames whose offset was neither 0 nor the length held: a frame was lost or reordered. */
  outOfOrder: number;
  /** Final messages whose content equals the folded text (trimmed, as the server stores it). */
  finalsMatched: number;
  /** Final messages whose content differs from the folded text. */
  finalsMismatched: number;
  /** Final messages of a stream this subscriber had no text of. */
  finalsWithoutText: number;
  /** `stream_end` frames without a final message (aborted, failed, lost). */
  endsWithoutMessage: number;
  /** Token positions whose 4 characters did not read as a token. */
  unreadableTokens: number;
}

export function createStreamReceptionCounts(): StreamReceptionCounts {
  return {
    applied: 0,
    outOfOrder: 0,
    finalsMatched: 0,
    finalsMismatched: 0,
    finalsWithoutText: 0,
    endsWithoutMessage: 0,
    unreadableTokens: 0,
  };
}

/** One subscriber's streams: folds their frames, times each new token, checks each final message. */
export interface StreamReception {
  /** A `stream` frame received at `receivedMs`; each token it completes is timed. */
  onDelta(delta: StreamDelta, receivedMs: number): void;
  /** A `stream_end` frame; with a final message to come, the text waits for it. */
  onEnd(streamId: string, hasFinalMessage: boolean): void;
  /** The final message of a stream arrived: compare, then forget the text. */
  onFinal(streamId: string, content: string): void;
  /** Streams whose text is held: open, or ended with their final message still to come. */
  readonly held: number;
}

interface FoldedText {
  text: string;
  /** Length in code points, the unit of `offset`. */
  length: number;
  /** Index in `text` up to which the tokens have been timed. */
  timedTo: number;
}

/**
 * The protocol's fold (docs/protocol.md §7): offset 0 replaces the text, the length held
 * appends to it, any other offset is ignored. The bench counts those instead of passing over
 * them as `StreamTexts` does, because on one connection to one process none should occur.
 */
export function createStreamReception(options: {
  counts: StreamReceptionCounts;
  /** Called with each token's append-to-screen latency, in ms. */
  onLatency: (latencyMs: number) => void;
}): StreamReception {
  const { counts } = options;
  const texts = new Map<string, FoldedText>();

  const timeTokens = (folded: FoldedText, receivedMs: number): void => {
    while (folded.timedTo + STREAM_TOKEN_CHARS <= folded.text.length) {
      const latencyMs = tokenLatencyMs(folded.text, folded.timedTo, receivedMs);
      if (Number.isNaN(latencyMs)) counts.unreadableTokens += 1;
      else options.onLatency(latencyMs);
      folded.timedTo += STREAM_TOKEN_CHARS;
    }
  };

  return {
    onDelta(delta, receivedMs) {
      const known = texts.get(delta.streamId);
      if (delta.offset === 0) {
        const folded = { text: delta.text, length: codePointLength(delta.text), timedTo: known?.timedTo ?? 0 };
        texts.set(delta.streamId, folded);
        counts.applied += 1;
        timeTokens(folded, receivedMs);
        return;
      }
      if (known === undefined || known.length !== delta.offset) {
        counts.outOfOrder += 1;
        return;
      }
      known.text += delta.text;
      known.length += codePointLength(delta.text);
      counts.applied += 1;
      timeTokens(known, receivedMs);
    },
    onEnd(streamId, hasFinalMessage) {
      if (hasFinalMessage) return;
      texts.delete(streamId);
      counts.endsWithoutMessage += 1;
    },
    onFinal(streamId, content) {
      const folded = texts.get(streamId);
      texts.delete(streamId);
      if (folded === undefined) counts.finalsWithoutText += 1;
      else if (folded.text.trim() === content) counts.finalsMatched += 1;
      else counts.finalsMismatched += 1;
    },
    get held() {
      return texts.size;
    },
  };
}
