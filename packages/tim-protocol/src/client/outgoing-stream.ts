import type { StreamEndEvent, StreamEndReason, Timite } from '../schemas/entities';
import type { StreamAbortFrame, StreamAppendFrame, StreamFinishFrame } from '../schemas/frames';
import { TimClientError } from './tim-client-error';

export type AuthorStreamFrame = StreamAppendFrame | StreamFinishFrame | StreamAbortFrame;

/** What an outgoing stream needs from its connection. */
export interface StreamChannel {
  /** Sends a frame now; false when the connection is not open. */
  sendFrame(frame: AuthorStreamFrame): boolean;
}

/**
 * The author's side of a streaming message, from `TimConnection.openStream`: append text,
 * then finish (the text becomes a durable message) or abort (nothing is stored). `signal`
 * aborts when the stream ends other than by this author's finish or abort — a human stopped
 * it, it timed out, or the connection dropped — so an agent can cancel its LLM request.
 */
export class OutgoingStream {
  readonly ended: Promise<StreamEndEvent>;
  private readonly controller = new AbortController();
  private resolveEnded!: (event: StreamEndEvent) => void;
  private endEvent: StreamEndEvent | undefined;
  private closing = false;
  private rejectFinish: ((error: TimClientError) => void) | undefined;

  constructor(
    readonly spaceId: string,
    readonly streamId: string,
    readonly clientMsgId: string,
    readonly author: Timite,
    private readonly channel: StreamChannel,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  /** Aborts when someone or something else ended the stream; read `endReason` for why. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** How the stream ended, once it has. */
  get endReason(): StreamEndEvent['reason'] | undefined {
    return this.endEvent?.reason;
  }

  get isOpen(): boolean {
    return this.endEvent === undefined && !this.closing;
  }

  /** Adds text; throws once the stream has ended or is finishing. */
  append(text: string): void {
    if (text.length === 0) return;
    this.sendOrThrow({ type: 'stream_append', streamId: this.streamId, text });
  }

  /** Ends the stream; resolves with its end (with the final message's `updateId`). */
  finish(): Promise<StreamEndEvent> {
    if (this.endEvent !== undefined) return Promise.resolve(this.endEvent);
    this.sendOrThrow({ type: 'stream_finish', streamId: this.streamId });
    this.closing = true;
    return new Promise((resolve, reject) => {
      this.rejectFinish = reject;
      this.ended.then(resolve, reject);
    });
  }

  /** Withdraws the stream: everyone's growing text disappears and nothing is stored. */
  abort(): void {
    if (!this.isOpen) return;
    this.closing = true;
    this.channel.sendFrame({ type: 'stream_abort', streamId: this.streamId });
  }

  /** The server ended it (or the connection dropped); idempotent. */
  settle(event: StreamEndEvent): void {
    if (this.endEvent !== undefined) return;
    this.endEvent = event;
    this.rejectFinish = undefined;
    if (!this.closing) this.controller.abort(new TimClientError('stream_ended', `The stream ended: ${event.reason}.`));
    this.resolveEnded(event);
  }

  /** Ends it on this side alone: the connection dropped, and the server ends it as well. */
  settleLocally(reason: StreamEndReason): void {
    this.settle({ type: 'stream_end', spaceId: this.spaceId, streamId: this.streamId, author: this.author, reason });
  }

  /** The server refused the last finish (the message could not be stored). */
  failFinish(error: TimClientError): boolean {
    if (this.rejectFinish === undefined) return false;
    const reject = this.rejectFinish;
    this.rejectFinish = undefined;
    this.closing = false;
    reject(error);
    return true;
  }

  private sendOrThrow(frame: AuthorStreamFrame): void {
    if (!this.isOpen) throw new TimClientError('stream_ended', 'The stream has ended.');
    if (!this.channel.sendFrame(frame)) throw new TimClientError('network', 'The connection is not open.');
  }
}
