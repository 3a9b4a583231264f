import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { ServerFrame, SubscribedFrame } from '@tim/protocol';
import type { ClientKind, SubscriberSpec } from '../ipc';
import { isRecord, readUpdateFast, readUpdateFromText, readUpdateStrict, type UpdateFields } from './read-update';
import { isStreamFrameData, readStreamDeltaFromText, type StreamDelta } from './read-stream-frame';

/** Called synchronously, so no frame that follows `subscribed` in the same chunk is missed. */
export interface SubscriberEvents {
  onSubscribed(headId: number): void;
  onUpdate(update: UpdateFields): void;
  /** Every frame of a raw WebSocket subscriber, first: its payload bytes. */
  onFrame(bytes: number): void;
  /** Extension: a streaming message's text grew (`stream`); undefined when this subscriber does not read them. */
  onStream(delta: StreamDelta | undefined): void;
  /** Extension: a streaming message ended (`stream_end`); its final message follows if it has one. */
  onStreamEnd(streamId: string, hasFinalMessage: boolean): void;
  onPresence(): void;
  onOther(): void;
  onUnexpectedClose(): void;
}

export interface SubscriberConnection {
  close(): void;
}

export interface OpenSubscriberOptions {
  clientKind: ClientKind;
  url: string;
  spec: SubscriberSpec;
  events: SubscriberEvents;
  /** Whether `stream` frames are decoded and read, or only recognised and counted. */
  readsStreams: boolean;
  /** Time to get from connecting to subscribed, in ms. */
  timeoutMs: number;
}

/** Opens one subscriber and resolves once it is subscribed to its space. */
export function openSubscriber(options: OpenSubscriberOptions): Promise<SubscriberConnection> {
  return options.clientKind === 'socketio' ? openSocketIoSubscriber(options) : openWebSocketSubscriber(options);
}

/** Raw WebSocket: the ceiling (subscribe straight away) and tim (auth, ready, subscribe). */
function openWebSocketSubscriber(options: OpenSubscriberOptions): Promise<SubscriberConnection> {
  const { spec, events } = options;
  const ws = new WebSocket(options.url, { perMessageDeflate: false });
  let isSubscribed = false;
  let isClosing = false;
  let hasSeenUpdate = false;
  const subscribe = () => ws.send(JSON.stringify({ type: 'subscribe', spaceId: spec.spaceId }));

  const { promise, succeed, fail } = createSubscribeAttempt(options, () => {
    isClosing = true;
    ws.terminate();
  });
  ws.on('open', () =>
    spec.key === undefined ? subscribe() : ws.send(JSON.stringify({ type: 'auth', key: spec.key })),
  );
  ws.on('error', (err) => {
    if (!isSubscribed) fail(err);
  });
  ws.on('close', (code) => {
    if (!isSubscribed) fail(new Error(`closed with ${code} before subscribing`));
    else if (!isClosing) events.onUnexpectedClose();
  });
  ws.on('message', (data) => {
    if (!options.readsStreams && Buffer.isBuffer(data) && isStreamFrameData(data)) {
      events.onFrame(data.length);
      events.onStream(undefined);
      return;
    }
    const text = data.toString();
    events.onFrame(rawByteLength(data, text));
    const delta = readStreamDeltaFromText(text);
    if (delta !== undefined) {
      events.onStream(delta);
      return;
    }
    const update = hasSeenUpdate ? readUpdateFromText(text) : undefined;
    if (update !== undefined) {
      events.onUpdate(update);
      return;
    }
    try {
      handleFrame(JSON.parse(text));
    } catch {
      // A malformed frame is counted, not fatal: the report shows it as an "other" frame.
      events.onOther();
    }
  });
  const handleFrame = (frame: unknown): void => {
    if (isRecord(frame) && frame.type === 'update') {
      const update = hasSeenUpdate ? readUpdateFast(frame) : readUpdateStrict(frame);
      hasSeenUpdate = true;
      if (update === undefined) events.onOther();
      else events.onUpdate(update);
      return;
    }
    const parsed = ServerFrame.safeParse(frame);
    if (!parsed.success) {
      events.onOther();
      return;
    }
    switch (parsed.data.type) {
      case 'ready':
        subscribe();
        return;
      case 'subscribed':
        isSubscribed = true;
        events.onSubscribed(parsed.data.headId);
        succeed({ close: () => close() });
        return;
      case 'presence':
        events.onPresence();
        return;
      case 'stream':
        events.onStream(parsed.data);
        return;
      case 'stream_end':
        events.onStreamEnd(parsed.data.streamId, parsed.data.updateId !== undefined);
        return;
      case 'error':
        if (!isSubscribed) fail(new Error(`error frame ${parsed.data.code}: ${parsed.data.message ?? ''}`));
        else events.onOther();
        return;
      case 'update':
      case 'unsubscribed':
      case 'activity':
      case 'stream_opened':
        events.onOther();
        return;
    }
  };
  const close = (): void => {
    isClosing = true;
    ws.terminate();
  };

  return promise;
}

/** A frame's payload bytes; `ws` hands text frames over as one Buffer. */
function rawByteLength(data: WebSocket.RawData, text: string): number {
  if (Buffer.isBuffer(data)) return data.length;
  return Buffer.byteLength(text);
}

function readUpdateStrictOrUndefined(frame: unknown): UpdateFields | undefined {
  try {
    return readUpdateStrict(frame);
  } catch {
    // Counted as an "other" frame by the caller, like any malformed frame.
    return undefined;
  }
}

function openSocketIoSubscriber(options: OpenSubscriberOptions): Promise<SubscriberConnection> {
  const { spec, events } = options;
  const socket = io(options.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: options.timeoutMs,
  });
  let isSubscribed = false;
  let isClosing = false;
  let hasSeenUpdate = false;

  const { promise, succeed, fail } = createSubscribeAttempt(options, () => {
    isClosing = true;
    socket.disconnect();
  });
  socket.on('connect_error', (err) => fail(err));
  socket.on('disconnect', () => {
    if (isSubscribed && !isClosing) events.onUnexpectedClose();
  });
  socket.on('update', (frame: unknown) => {
    const update = hasSeenUpdate ? readUpdateFast(frame) : readUpdateStrictOrUndefined(frame);
    hasSeenUpdate = true;
    if (update === undefined) events.onOther();
    else events.onUpdate(update);
  });
  socket.on('connect', () => {
    socket.emit('subscribe', spec.spaceId, (ack: unknown) => {
      const subscribed = SubscribedFrame.safeParse(ack);
      if (!subscribed.success) {
        fail(new Error('malformed subscribe acknowledgement'));
        return;
      }
      isSubscribed = true;
      events.onSubscribed(subscribed.data.headId);
      succeed({
        close: () => {
          isClosing = true;
          socket.disconnect();
        },
      });
    });
  });

  return promise;
}

/** A subscribe attempt that settles once: subscribed, failed, or timed out (then `abort`). */
function createSubscribeAttempt(options: OpenSubscriberOptions, abort: () => void) {
  let settle: { resolve: (connection: SubscriberConnection) => void; reject: (err: Error) => void } | undefined;
  const promise = new Promise<SubscriberConnection>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const timer = setTimeout(
    () => fail(new Error(`not subscribed to ${options.spec.spaceId} within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const fail = (err: Error): void => {
    clearTimeout(timer);
    abort();
    settle?.reject(err);
  };
  const succeed = (connection: SubscriberConnection): void => {
    clearTimeout(timer);
    settle?.resolve(connection);
  };
  return { promise, succeed, fail };
}
