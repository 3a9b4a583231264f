import { randomBytes } from 'node:crypto';
import {
  codePointLength,
  type MessageStreamMark,
  type ServerFrame,
  type SpaceId,
  type StreamEndEvent,
  type StreamEndReason,
  type StreamEvent,
  type Timite,
} from '@tim/protocol';
import type { Bus, BusEvent, Unsubscribe } from '../bus/bus';
import type { StreamControl } from '../bus/stream-control';
import type { SendMessageResult } from './send-message';
import { TimError } from './tim-error';

/*
 * Streaming messages, on the process that holds them: a stream lives where its author's
 * connection is. Appends gather here and leave over the bus at most once per stream per
 * `flushIntervalMs`, as `stream` events with the offset they continue, so every subscriber (on
 * every process) gets at most one frame per open stream per interval whatever the token rate.
 * Only the final text is stored, as an ordinary message marked with the stream's id.
 *
 * Other processes reach a stream through the bus: `stop` asks its holder to stop it, `sync`
 * (sent by a process that starts serving a space) asks for every open stream's text so far.
 * The hub keeps what its subscribers need of each stream (see hub.ts).
 */

/** The author's connection: it alone gets `stream_opened`, and `stream_end` even when not subscribed. */
export interface StreamOwner {
  readonly timite: Timite;
  send(frame: ServerFrame): void;
}

export interface FinalMessage {
  spaceId: SpaceId;
  sender: Timite;
  content: string;
  clientMsgId: string;
  stream: MessageStreamMark;
}

export interface StreamSettings {
  /** Appends reach subscribers at most once per stream per this interval. @default 50 */
  flushIntervalMs: number;
  /** A stream with no append for this long ends as `timed_out`. @default 30000 */
  idleTimeoutMs: number;
  /** Open streams per timite on this process. @default 3 */
  maxOpenPerTimite: number;
  /** The content limit, applied to the whole text. */
  maxChars: number;
}

export interface StreamsOptions extends StreamSettings {
  bus: Bus;
  /** Stores the final text; throws a TimError (or anything) when it cannot. */
  storeFinalMessage(message: FinalMessage): Promise<SendMessageResult>;
  /** A background failure (publishing, finalising after a stop): logged, never thrown. */
  onError(err: unknown, spaceId: SpaceId): void;
  /** Told about every ended stream, for metrics. */
  onEnded?(reason: StreamEndReason): void;
}

export interface OpenStreamInput {
  spaceId: SpaceId;
  clientMsgId: string;
  text: string;
}

/** Streams held by this process. */
export interface Streams {
  /** Opens a stream and sends `stream_opened` to the owner; the caller checked the space exists. */
  open(owner: StreamOwner, input: OpenStreamInput): void;
  append(owner: StreamOwner, streamId: string, text: string): void;
  /** Stores the text and ends the stream; a refusal leaves it open and is thrown. */
  finish(owner: StreamOwner, streamId: string): Promise<void>;
  /** Ends the stream with nothing stored. */
  abort(owner: StreamOwner, streamId: string): void;
  /** A human stops a stream in a space, held here or by another process. */
  stop(by: Timite, spaceId: SpaceId, streamId: string): Promise<void>;
  /** The owner's connection closed: its streams end as `disconnected`, their text stored. */
  release(owner: StreamOwner): void;
  openCount(): number;
  /** Ends every stream as `disconnected` (shutdown); resolves once their text is stored. */
  close(): Promise<void>;
}

type StreamState = 'open' | 'finishing' | 'ended';

interface OwnedStream {
  readonly id: string;
  readonly spaceId: SpaceId;
  readonly owner: StreamOwner;
  readonly clientMsgId: string;
  /** Every character so far. */
  text: string;
  /** Code points already published; `text` past them is still to go. */
  publishedLength: number;
  publishedChars: number;
  state: StreamState;
  idleTimer: NodeJS.Timeout;
}

/** Reasons that store the text so far as the final message. */
const STORED_ENDS = new Set<StreamEndReason>(['finished', 'stopped', 'timed_out', 'disconnected']);

function isStoredEnd(reason: StreamEndReason): reason is MessageStreamMark['end'] {
  return STORED_ENDS.has(reason);
}

function newStreamId(): string {
  return `s-${randomBytes(12).toString('base64url')}`;
}

export function createStreams(options: StreamsOptions): Streams {
  const { bus, flushIntervalMs, idleTimeoutMs, maxOpenPerTimite, maxChars } = options;
  const owned = new Map<string, OwnedStream>();
  /** Bus listeners for `stop` and `sync`, one per space with a stream held here. */
  const controlListeners = new Map<SpaceId, Promise<Unsubscribe>>();
  const endings = new Set<Promise<void>>();
  let flushTimer: NodeJS.Timeout | undefined;

  function publish(spaceId: SpaceId, event: StreamEvent | StreamEndEvent): void {
    bus.publish(spaceId, { kind: 'ephemeral', event }).catch((err: unknown) => options.onError(err, spaceId));
  }

  function streamEvent(stream: OwnedStream, offset: number, text: string): StreamEvent {
    return {
      type: 'stream',
      spaceId: stream.spaceId,
      streamId: stream.id,
      author: stream.owner.timite,
      clientMsgId: stream.clientMsgId,
      offset,
      text,
    };
  }

  /** Publishes what each stream gained since its last flush: one event per stream. */
  function flush(): void {
    flushTimer = undefined;
    for (const stream of owned.values()) flushStream(stream);
  }

  function flushStream(stream: OwnedStream): void {
    if (stream.publishedChars === stream.text.length) return;
    const delta = stream.text.slice(stream.publishedChars);
    publish(stream.spaceId, streamEvent(stream, stream.publishedLength, delta));
    stream.publishedLength += codePointLength(delta);
    stream.publishedChars = stream.text.length;
  }

  function scheduleFlush(): void {
    flushTimer ??= setTimeout(flush, flushIntervalMs);
  }

  function onControl(spaceId: SpaceId, event: BusEvent): void {
    if (event.kind !== 'stream-control') return;
    const control: StreamControl = event.control;
    if (control.type === 'sync') {
      for (const stream of owned.values()) {
        if (stream.spaceId !== spaceId || stream.state !== 'open') continue;
        flushStream(stream);
        publish(spaceId, streamEvent(stream, 0, stream.text));
      }
      return;
    }
    const stream = owned.get(control.streamId);
    if (stream !== undefined && stream.spaceId === spaceId) end(stream, 'stopped', control.by);
  }

  function listenForControls(spaceId: SpaceId): void {
    if (controlListeners.has(spaceId)) return;
    const listening = bus.subscribe(spaceId, (event) => onControl(spaceId, event));
    listening.catch((err: unknown) => {
      controlListeners.delete(spaceId);
      options.onError(err, spaceId);
    });
    controlListeners.set(spaceId, listening);
  }

  function stopListeningIfIdle(spaceId: SpaceId): void {
    for (const stream of owned.values()) if (stream.spaceId === spaceId) return;
    const listening = controlListeners.get(spaceId);
    controlListeners.delete(spaceId);
    listening?.then((unsubscribe) => unsubscribe()).catch((err: unknown) => options.onError(err, spaceId));
  }

  function ownedBy(owner: StreamOwner, streamId: string): OwnedStream {
    const stream = owned.get(streamId);
    if (stream === undefined || stream.owner !== owner) {
      throw new TimError('not_found', `There is no open stream "${streamId}" of this connection.`);
    }
    return stream;
  }

  function checkLength(text: string): void {
    if (codePointLength(text) > maxChars) {
      throw new TimError('invalid_request', `A stream's text may have at most ${maxChars} characters.`);
    }
  }

  function sendEnd(stream: OwnedStream, event: StreamEndEvent): void {
    publish(stream.spaceId, event);
    stream.owner.send(event);
    options.onEnded?.(event.reason);
  }

  /** Removes the stream at once (no more appends), then stores its text when the reason keeps it. */
  function end(stream: OwnedStream, reason: StreamEndReason, stoppedBy?: Timite): void {
    // A finishing stream ends by its finish, whatever else happens meanwhile.
    if (stream.state !== 'open') return;
    remove(stream);
    track(
      finalise(stream, reason, stoppedBy).catch((err: unknown) => {
        options.onError(err, stream.spaceId);
        sendEnd(stream, endEvent(stream, 'failed'));
      }),
    );
  }

  /** No more appends, no more timeout, no more controls for it. */
  function remove(stream: OwnedStream): void {
    stream.state = 'ended';
    clearTimeout(stream.idleTimer);
    owned.delete(stream.id);
    stopListeningIfIdle(stream.spaceId);
  }

  function track(ending: Promise<void>): void {
    endings.add(ending);
    void ending.finally(() => endings.delete(ending));
  }

  function endEvent(stream: OwnedStream, reason: StreamEndReason, stoppedBy?: Timite): StreamEndEvent {
    return {
      type: 'stream_end',
      spaceId: stream.spaceId,
      streamId: stream.id,
      author: stream.owner.timite,
      reason,
      ...(stoppedBy === undefined ? {} : { stoppedBy }),
    };
  }

  async function finalise(stream: OwnedStream, reason: StreamEndReason, stoppedBy?: Timite): Promise<void> {
    const content = stream.text.trim();
    if (!isStoredEnd(reason)) {
      sendEnd(stream, endEvent(stream, reason));
      return;
    }
    // Nothing was written: as if withdrawn.
    if (content.length === 0) {
      sendEnd(stream, endEvent(stream, 'aborted'));
      return;
    }
    const { updateId } = await storeFinal(stream, reason, content, stoppedBy);
    sendEnd(stream, { ...endEvent(stream, reason, stoppedBy), updateId });
  }

  function storeFinal(
    stream: OwnedStream,
    end: MessageStreamMark['end'],
    content: string,
    stoppedBy: Timite | undefined,
  ): Promise<SendMessageResult> {
    return options.storeFinalMessage({
      spaceId: stream.spaceId,
      sender: stream.owner.timite,
      content,
      clientMsgId: stream.clientMsgId,
      stream: { id: stream.id, end, ...(stoppedBy === undefined ? {} : { stoppedBy: stoppedBy.id }) },
    });
  }

  return {
    open(owner, { spaceId, clientMsgId, text }) {
      for (const stream of owned.values()) {
        // The same open again (a retried frame): the same stream.
        if (stream.owner === owner && stream.clientMsgId === clientMsgId && stream.spaceId === spaceId) {
          owner.send({ type: 'stream_opened', spaceId, streamId: stream.id, clientMsgId });
          return;
        }
      }
      let mine = 0;
      for (const stream of owned.values()) if (stream.owner.timite.id === owner.timite.id) mine += 1;
      if (mine >= maxOpenPerTimite) {
        throw new TimError('limit_exceeded', `At most ${maxOpenPerTimite} streams may be open at once.`);
      }
      checkLength(text);
      const stream: OwnedStream = {
        id: newStreamId(),
        spaceId,
        owner,
        clientMsgId,
        text,
        publishedLength: 0,
        publishedChars: 0,
        state: 'open',
        idleTimer: setTimeout(() => end(stream, 'timed_out'), idleTimeoutMs),
      };
      stream.idleTimer.unref();
      owned.set(stream.id, stream);
      listenForControls(spaceId);
      owner.send({ type: 'stream_opened', spaceId, streamId: stream.id, clientMsgId });
      // Everyone sees the stream appear at once, even before its first text.
      publish(spaceId, streamEvent(stream, 0, text));
      stream.publishedLength = codePointLength(text);
      stream.publishedChars = text.length;
    },

    append(owner, streamId, text) {
      const stream = ownedBy(owner, streamId);
      if (stream.state !== 'open') throw new TimError('conflict', 'The stream is finishing.');
      checkLength(stream.text + text);
      stream.text += text;
      stream.idleTimer.refresh();
      scheduleFlush();
    },

    async finish(owner, streamId) {
      const stream = ownedBy(owner, streamId);
      if (stream.state !== 'open') throw new TimError('conflict', 'The stream is finishing.');
      const content = stream.text.trim();
      if (content.length === 0) {
        end(stream, 'aborted');
        return;
      }
      stream.state = 'finishing';
      flushStream(stream);
      const storing = storeFinal(stream, 'finished', content, undefined);
      track(
        storing.then(
          () => undefined,
          () => undefined,
        ),
      );
      let result: SendMessageResult;
      try {
        result = await storing;
      } catch (err) {
        // Refused (the agent turn limit, the store away): the stream stays open for another try.
        stream.state = 'open';
        stream.idleTimer.refresh();
        throw err;
      }
      remove(stream);
      sendEnd(stream, { ...endEvent(stream, 'finished'), updateId: result.updateId });
    },

    abort(owner, streamId) {
      end(ownedBy(owner, streamId), 'aborted');
    },

    async stop(by, spaceId, streamId) {
      if (by.kind !== 'human') throw new TimError('forbidden', 'Only humans stop streams.');
      const stream = owned.get(streamId);
      if (stream !== undefined) {
        if (stream.spaceId === spaceId) end(stream, 'stopped', by);
        return;
      }
      await bus.publish(spaceId, { kind: 'stream-control', control: { type: 'stop', streamId, by } });
    },

    release(owner) {
      for (const stream of [...owned.values()]) if (stream.owner === owner) end(stream, 'disconnected');
    },

    openCount: () => owned.size,

    async close() {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      for (const stream of [...owned.values()]) end(stream, 'disconnected');
      await Promise.allSettled([...endings]);
    },
  };
}
