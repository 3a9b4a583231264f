import { DeclareAbilitiesFrame, type AbilitiesDeclaredFrame } from '../schemas/abilities';
import type {
  AbilitiesEvent,
  Ability,
  Activity,
  ActivityEvent,
  PresenceEvent,
  StreamEndEvent,
  StreamEvent,
  Timite,
  Update,
  UpdateEnvelope,
} from '../schemas/entities';
import {
  ActivityFrame,
  StreamOpenFrame,
  StreamStopFrame,
  SubscribeFrame,
  type ClientFrame,
  type ErrorFrame,
  type ReadyFrame,
  type ServerFrame,
  type ReadMarkerFrame,
  type SpaceAddedFrame,
  type SpaceActivityFrame,
  type UnreadSubscribeFrame,
  type UnreadSubscribedFrame,
} from '../schemas/frames';
import { CLOSE_UNAUTHENTICATED } from '../schemas/limits';
import { backoffDelay, type BackoffOptions } from './backoff';
import { Emitter, type Unsubscribe } from './emitter';
import { startHealthWatch, type HealthWatch } from './health-watch';
import { SILENT_INTERVALS, startHeartbeat, type Heartbeat } from './heartbeat';
import { OutgoingStream } from './outgoing-stream';
import { parseOutgoing } from './parse';
import {
  WS_CONNECTING,
  WS_OPEN,
  readCloseEvent,
  readErrorMessage,
  readMessageText,
  type TimerHandle,
  type Timers,
  type WebSocketConstructor,
  type WebSocketLike,
} from './platform';
import { readServerFrame, readUpdate } from './server-frames';
import { TimClientError } from './tim-client-error';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  previous: ConnectionState;
  next: ConnectionState;
  /** Why, for a person: 'ready', 'closed by the client', 'connection closed with 1006', … */
  reason: string;
}

/** A reconnect was scheduled. */
export interface RetryEvent {
  /**
   * 1 for the first retry since the last healthy connection: one that stayed open
   * `healthyAfterMs` with every replay done. A 'ready' alone does not reset it.
   */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface TimConnectionEvents {
  state: StateChange;
  ready: Timite;
  subscribed: { spaceId: string; headId: number };
  /**
   * The subscription ended: asked by `unsubscribe`, or ended by the server with a `reason`
   * (extension: 'removed' when you may no longer read the space; it is forgotten, not resumed).
   */
  unsubscribed: { spaceId: string; reason?: string };
  /** Known event kinds only; per space, ids strictly increase and none repeats. */
  update: Update;
  presence: PresenceEvent;
  activity: ActivityEvent;
  /** Error frames, and frames that break the protocol (code 'invalid_response'). */
  error: TimClientError;
  retry: RetryEvent;
  /** Extension: a streaming message grew; fold with `StreamTexts`. */
  stream: StreamEvent;
  /** Extension: a streaming message ended. */
  stream_end: StreamEndEvent;
  /**
   * Extension, after `watchUnread()`: the server sends the unread feed from now on (also after
   * every reconnect). What happened while disconnected is not replayed: read the counts again
   * (`listSpaces`).
   */
  unread_subscribed: UnreadSubscribedFrame;
  /** Extension, after `watchUnread()`: a new message in any space you may read. */
  space_activity: SpaceActivityFrame;
  /** Extension, after `watchUnread()`: your read marker in a space moved (on any device). */
  read_marker: ReadMarkerFrame;
  /** Extension, after `watchUnread()`: someone added you to a space (an invitation, a new direct message): list spaces again. */
  space_added: SpaceAddedFrame;
  /** Extension: a timite's abilities in a subscribed space changed; `abilities` is its whole set now ([] when gone). */
  abilities: AbilitiesEvent;
  /** Extension: the server recorded a `declareAbilities` (also each one re-sent after a reconnect). */
  abilities_declared: AbilitiesDeclaredFrame;
}

export interface OpenStreamOptions {
  /** Idempotency key; generated (crypto.randomUUID) when absent. */
  clientMsgId?: string;
  /** The first text. */
  text?: string;
}

interface PendingOpen {
  spaceId: string;
  resolve: (stream: OutgoingStream) => void;
  reject: (error: TimClientError) => void;
}

export interface SubscribeOptions {
  /** Replay every update with id > after before going live; absent: live only. */
  after?: number;
  /** @default true (server side) */
  receiveOwnMessages?: boolean;
}

/** Built by `TimClient.connect()`. */
export interface TimConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  /** Read at every (re)connect, so a key set later is used; undefined closes the subscription. */
  getKey: () => string | undefined;
  backoff: BackoffOptions;
  timers: Timers;
  random: () => number;
  readyTimeoutMs: number;
  /** Time a connection must stay open, with every replay done, before the backoff starts over, in ms. */
  healthyAfterMs: number;
  /** Ping interval when the server's 'ready' announces none, in ms. */
  fallbackHeartbeatMs: number;
}

interface SpaceSubscription {
  receiveOwnMessages: boolean | undefined;
  /**
   * The resume cursor: the last delivered update id; before any delivery, the `after` asked
   * for or the headId the server confirmed. Any update id not greater than it is a duplicate.
   */
  cursor: number | undefined;
  /**
   * The headId with which the server confirmed this subscription on the current connection;
   * undefined until it does. The replay is done once the cursor has reached it.
   */
  confirmedHeadId: number | undefined;
}

/** Error codes with which the server refuses a subscribe; the space is then forgotten. */
const SUBSCRIBE_REFUSALS = new Set(['not_found', 'forbidden', 'limit_exceeded']);

/**
 * One live WebSocket connection, holding a subscription to each of many spaces: authenticates, subscribes, and after any drop reconnects with backoff,
 * re-authenticates and resumes each space after its last delivered update.
 */
export class TimConnection {
  private stateValue: ConnectionState = 'connecting';
  private timiteValue: Timite | undefined;
  private readonly emitter = new Emitter<TimConnectionEvents>();
  private readonly spaces = new Map<string, SpaceSubscription>();
  private socket: WebSocketLike | undefined;
  private lastSocketError: string | undefined;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;
  private readyTimer: TimerHandle | undefined;
  private heartbeat: Heartbeat | undefined;
  /** Resets `attempt` once the open connection has proved healthy. */
  private healthWatch: HealthWatch | undefined;
  /** Whether the server's 'ready' announced heartbeatMs, so it knows ping frames. */
  private isPingKnown = false;
  /** The extensions the server's 'ready' announced. */
  private extensions: ReadonlySet<string> = new Set();
  /** `stream_open` frames awaiting `stream_opened`, by clientMsgId. */
  private readonly pendingOpens = new Map<string, PendingOpen>();
  /** This connection's own open streams, by streamId. */
  private readonly ownStreams = new Map<string, OutgoingStream>();
  /** Whether to ask for the unread feed at every 'ready'. */
  private isWatchingUnread = false;
  /** This connection's declared abilities by space, declared again at every 'ready'. */
  private readonly declarations = new Map<string, Ability[]>();

  constructor(private readonly options: TimConnectionOptions) {
    this.open();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The authenticated timite, from the last 'ready'. */
  get timite(): Timite | undefined {
    return this.timiteValue;
  }

  on<K extends keyof TimConnectionEvents>(name: K, listener: (payload: TimConnectionEvents[K]) => void): Unsubscribe {
    return this.emitter.on(name, listener);
  }

  /** Subscribes to a space, now if open, else at the next 'ready'. Already subscribed: no-op. */
  subscribe(spaceId: string, options: SubscribeOptions = {}): void {
    const frame = parseOutgoing(SubscribeFrame, { type: 'subscribe', spaceId, ...options });
    if (this.spaces.has(spaceId)) return;
    const space = { receiveOwnMessages: frame.receiveOwnMessages, cursor: frame.after, confirmedHeadId: undefined };
    this.spaces.set(spaceId, space);
    if (this.stateValue === 'open') this.sendSubscribe(spaceId, space);
  }

  unsubscribe(spaceId: string): void {
    if (!this.spaces.delete(spaceId)) return;
    if (this.stateValue === 'open') this.send({ type: 'unsubscribe', spaceId });
    this.healthWatch?.replayProgressed();
  }

  /** Broadcasts an ephemeral activity. Returns false when not open (activity is never queued). */
  sendActivity(spaceId: string, activity: Activity): boolean {
    const frame = parseOutgoing(ActivityFrame, { type: 'activity', spaceId, activity });
    if (this.stateValue !== 'open') return false;
    this.send(frame);
    return true;
  }

  /**
   * Extension: opens a streaming message in a space (the connection must be open). Resolves
   * once the server accepted it; rejects with the server's refusal or when the connection drops.
   */
  openStream(spaceId: string, options: OpenStreamOptions = {}): Promise<OutgoingStream> {
    const clientMsgId = options.clientMsgId ?? globalThis.crypto.randomUUID();
    const frame = parseOutgoing(StreamOpenFrame, {
      type: 'stream_open',
      spaceId,
      clientMsgId,
      ...(options.text === undefined ? {} : { text: options.text }),
    });
    if (this.stateValue !== 'open') {
      return Promise.reject(new TimClientError('network', 'The connection is not open.'));
    }
    if (!this.extensions.has('streams')) {
      return Promise.reject(new TimClientError('unsupported', 'This server does not stream messages.'));
    }
    if (this.pendingOpens.has(clientMsgId)) {
      return Promise.reject(new TimClientError('conflict', `A stream with clientMsgId ${clientMsgId} is opening.`));
    }
    return new Promise((resolve, reject) => {
      this.pendingOpens.set(clientMsgId, { spaceId, resolve, reject });
      this.send(frame);
    });
  }

  /** Extension: stops someone else's stream in a space (humans stop agents' replies). */
  stopStream(spaceId: string, streamId: string): boolean {
    const frame = parseOutgoing(StreamStopFrame, { type: 'stream_stop', spaceId, streamId });
    if (this.stateValue !== 'open') return false;
    this.send(frame);
    return true;
  }

  /**
   * Extension: asks for `space_activity`, `read_marker` and `space_added` events about every space
   * you may read, now if open and at every reconnect, so that unread counts stay live without a
   * subscription per space. Returns false when the server (as of its last 'ready') does not offer the feed.
   */
  watchUnread(): boolean {
    this.isWatchingUnread = true;
    if (this.stateValue !== 'open') return true;
    if (!this.extensions.has('unread')) return false;
    this.send({ type: 'unread_subscribe' });
    return true;
  }

  /**
   * Extension: declares what this timite can do in a space, replacing what this connection
   * declared there before; [] withdraws it. Declarations last as long as a connection, so they
   * are remembered and declared again at every reconnect. The server answers
   * `abilities_declared`, or an error event with the spaceId (a schema that does not compile,
   * a name twice). Returns false when the server (as of its last 'ready') does not speak
   * abilities; the declaration is kept for a server that does.
   */
  declareAbilities(spaceId: string, abilities: Ability[]): boolean {
    const frame = parseOutgoing(DeclareAbilitiesFrame, { type: 'abilities_declare', spaceId, abilities });
    if (frame.abilities.length === 0) this.declarations.delete(spaceId);
    else this.declarations.set(spaceId, frame.abilities);
    if (this.stateValue !== 'open') return true;
    if (!this.extensions.has('abilities')) return false;
    this.send(frame);
    return true;
  }

  /** The resume cursor of a space: its last delivered update id. */
  lastUpdateId(spaceId: string): number | undefined {
    return this.spaces.get(spaceId)?.cursor;
  }

  /** Closes the connection for good: state 'closed', no reconnect, no timer left. */
  close(): void {
    this.disconnect('closed by the client', { reconnect: false });
  }

  private open(): void {
    this.retryTimer = undefined;
    const key = this.options.getKey();
    if (key === undefined) {
      this.disconnect('no key to authenticate with', { reconnect: false });
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url);
    } catch (error) {
      this.disconnect(`could not open ${this.options.url}: ${String(error)}`, { reconnect: true });
      return;
    }
    this.socket = socket;
    const { readyTimeoutMs } = this.options;
    this.readyTimer = this.options.timers.setTimeout(() => {
      this.readyTimer = undefined;
      this.disconnect(`no 'ready' within ${readyTimeoutMs} ms`, { reconnect: true });
    }, readyTimeoutMs);
    // Events of a socket already given up are ignored; its handlers stay attached because
    // `ws` throws on an 'error' event nobody listens to.
    socket.onopen = () => {
      if (socket === this.socket) this.send({ type: 'auth', key });
    };
    socket.onmessage = (event: unknown) => {
      if (socket !== this.socket) return;
      this.heartbeat?.heard();
      this.receive(readMessageText(event));
    };
    socket.onerror = (event: unknown) => {
      if (socket === this.socket) this.lastSocketError = readErrorMessage(event);
    };
    socket.onclose = (event: unknown) => {
      if (socket !== this.socket) return;
      const { code, reason } = readCloseEvent(event);
      const why = reason || this.lastSocketError;
      const description = `connection closed with ${code}${why ? ` (${why})` : ''}`;
      this.disconnect(description, { reconnect: code !== CLOSE_UNAUTHENTICATED });
    };
  }

  /** The one way a connection ends: server close, ready timeout, silence, `close()`, missing key. */
  private disconnect(reason: string, { reconnect }: { reconnect: boolean }): void {
    if (this.stateValue === 'closed') return;
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.lastSocketError = undefined;
    if (socket !== undefined && (socket.readyState === WS_CONNECTING || socket.readyState === WS_OPEN)) {
      socket.close(1000);
    }
    for (const space of this.spaces.values()) space.confirmedHeadId = undefined;
    this.dropStreams();
    if (!reconnect) {
      this.setState('closed', reason);
      return;
    }
    const delayMs = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.attempt += 1;
    // Scheduled before any listener runs, so a listener calling close() cancels it.
    this.retryTimer = this.options.timers.setTimeout(() => this.open(), delayMs);
    this.setState('reconnecting', reason);
    if (this.stateValue === 'reconnecting') this.emitter.emit('retry', { attempt: this.attempt, delayMs, reason });
  }

  private setState(next: ConnectionState, reason: string): void {
    const previous = this.stateValue;
    if (next === previous) return;
    this.stateValue = next;
    this.emitter.emit('state', { previous, next, reason });
  }

  private receive(text: string | undefined): void {
    const frame = readServerFrame(text);
    if (frame instanceof TimClientError) this.emitter.emit('error', frame);
    else if (frame !== undefined) this.handleFrame(frame);
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        return this.handleReady(frame);
      case 'subscribed': {
        const space = this.spaces.get(frame.spaceId);
        if (space === undefined) return;
        space.confirmedHeadId = frame.headId;
        space.cursor ??= frame.headId;
        this.healthWatch?.replayProgressed();
        return this.emitter.emit('subscribed', { spaceId: frame.spaceId, headId: frame.headId });
      }
      case 'unsubscribed': {
        if (frame.reason === undefined) return this.emitter.emit('unsubscribed', { spaceId: frame.spaceId });
        // Ended by the server: a reconnect must not subscribe again.
        if (this.spaces.delete(frame.spaceId)) this.healthWatch?.replayProgressed();
        return this.emitter.emit('unsubscribed', { spaceId: frame.spaceId, reason: frame.reason });
      }
      case 'update':
        return this.deliver(frame.update);
      case 'presence':
        return this.emitter.emit('presence', frame);
      case 'activity':
        return this.emitter.emit('activity', frame);
      case 'stream_opened':
        return this.handleStreamOpened(frame.spaceId, frame.streamId, frame.clientMsgId);
      case 'stream':
        return this.emitter.emit('stream', frame);
      case 'stream_end':
        this.ownStreams.get(frame.streamId)?.settle(frame);
        this.ownStreams.delete(frame.streamId);
        return this.emitter.emit('stream_end', frame);
      case 'error': {
        if (this.handleStreamError(frame)) return;
        const { code, spaceId, details } = frame;
        // A server from before ping frames answers a ping with invalid_request; that answer is
        // its sign of life, not the caller's business. Nothing else this client sends earns an
        // invalid_request without a spaceId: its frames are checked before they leave.
        if (!this.isPingKnown && code === 'invalid_request' && spaceId === undefined) return;
        const space = spaceId === undefined ? undefined : this.spaces.get(spaceId);
        if (
          spaceId !== undefined &&
          space !== undefined &&
          space.confirmedHeadId === undefined &&
          SUBSCRIBE_REFUSALS.has(code)
        ) {
          this.spaces.delete(spaceId);
          this.healthWatch?.replayProgressed();
        }
        const message = frame.message ?? `The server answered '${code}'.`;
        return this.emitter.emit(
          'error',
          new TimClientError(code, message, { details, ...(spaceId ? { spaceId } : {}) }),
        );
      }
      case 'pong':
        return;
      case 'unread_subscribed':
      case 'space_activity':
      case 'read_marker':
      case 'space_added':
        return this.emitter.emit(frame.type, frame);
      case 'abilities':
      case 'abilities_declared':
        return this.emitter.emit(frame.type, frame);
    }
  }

  private handleStreamOpened(spaceId: string, streamId: string, clientMsgId: string): void {
    const pending = this.pendingOpens.get(clientMsgId);
    const author = this.timiteValue;
    if (pending === undefined || author === undefined) return;
    this.pendingOpens.delete(clientMsgId);
    const stream = new OutgoingStream(spaceId, streamId, clientMsgId, author, {
      sendFrame: (frame) => {
        if (this.stateValue !== 'open' || this.ownStreams.get(streamId) !== stream) return false;
        this.send(frame);
        return true;
      },
    });
    this.ownStreams.set(streamId, stream);
    pending.resolve(stream);
  }

  /** A refused stream frame: rejects the open or the finish it answers. True when handled. */
  private handleStreamError(frame: ErrorFrame): boolean {
    const { code, details, spaceId, streamId, clientMsgId } = frame;
    const message = frame.message ?? `The server answered '${code}'.`;
    const error = new TimClientError(code, message, {
      details,
      ...(spaceId ? { spaceId } : {}),
      ...(streamId ? { streamId } : {}),
    });
    const pending = clientMsgId === undefined ? undefined : this.pendingOpens.get(clientMsgId);
    if (pending !== undefined && clientMsgId !== undefined) {
      this.pendingOpens.delete(clientMsgId);
      pending.reject(error);
      return true;
    }
    const stream = streamId === undefined ? undefined : this.ownStreams.get(streamId);
    if (stream === undefined) return false;
    if (stream.failFinish(error)) return true;
    this.emitter.emit('error', error);
    return true;
  }

  /** The socket is gone: the server ends this connection's streams, so they end here too. */
  private dropStreams(): void {
    const gone = new TimClientError('network', 'The connection dropped before the stream opened.');
    for (const pending of this.pendingOpens.values()) pending.reject(gone);
    this.pendingOpens.clear();
    for (const stream of this.ownStreams.values()) stream.settleLocally('disconnected');
    this.ownStreams.clear();
  }

  private handleReady({ timite, heartbeatMs, extensions }: ReadyFrame): void {
    if (this.stateValue === 'open') return;
    this.clearTimers();
    this.timiteValue = timite;
    this.isPingKnown = heartbeatMs !== undefined;
    this.extensions = new Set(extensions);
    const intervalMs = heartbeatMs ?? this.options.fallbackHeartbeatMs;
    this.heartbeat = startHeartbeat({
      intervalMs,
      timers: this.options.timers,
      sendPing: () => this.send({ type: 'ping' }),
      onSilence: () =>
        this.disconnect(`no frame from the server in ${SILENT_INTERVALS * intervalMs} ms`, { reconnect: true }),
    });
    this.healthWatch = startHealthWatch({
      healthyAfterMs: this.options.healthyAfterMs,
      timers: this.options.timers,
      isReplayDone: () => this.isReplayDone(),
      onHealthy: () => {
        this.attempt = 0;
      },
    });
    this.setState('open', 'ready');
    for (const [spaceId, space] of this.spaces) this.sendSubscribe(spaceId, space);
    if (this.isWatchingUnread && this.extensions.has('unread')) this.send({ type: 'unread_subscribe' });
    if (this.extensions.has('abilities')) {
      for (const [spaceId, abilities] of this.declarations)
        this.send({ type: 'abilities_declare', spaceId, abilities });
    }
    this.emitter.emit('ready', timite);
  }

  private deliver(envelope: UpdateEnvelope): void {
    const space = this.spaces.get(envelope.spaceId);
    // Not (or no longer) subscribed, or a duplicate: resume replays may overlap what was delivered.
    if (space === undefined || (space.cursor !== undefined && envelope.id <= space.cursor)) return;
    // Unknown kinds advance the cursor too, so a resume does not fetch them again.
    space.cursor = envelope.id;
    this.healthWatch?.replayProgressed();
    const update = readUpdate(envelope);
    if (update instanceof TimClientError) this.emitter.emit('error', update);
    else if (update !== undefined) this.emitter.emit('update', update);
  }

  /** Whether every subscription is confirmed on this connection and has received its replay. */
  private isReplayDone(): boolean {
    for (const { cursor, confirmedHeadId } of this.spaces.values()) {
      if (confirmedHeadId === undefined || cursor === undefined || cursor < confirmedHeadId) return false;
    }
    return true;
  }

  private sendSubscribe(spaceId: string, space: SpaceSubscription): void {
    this.send({
      type: 'subscribe',
      spaceId,
      ...(space.cursor === undefined ? {} : { after: space.cursor }),
      ...(space.receiveOwnMessages === undefined ? {} : { receiveOwnMessages: space.receiveOwnMessages }),
    });
  }

  private send(frame: ClientFrame | UnreadSubscribeFrame): void {
    if (this.socket?.readyState === WS_OPEN) this.socket.send(JSON.stringify(frame));
  }

  private clearTimers(): void {
    if (this.readyTimer !== undefined) this.options.timers.clearTimeout(this.readyTimer);
    if (this.retryTimer !== undefined) this.options.timers.clearTimeout(this.retryTimer);
    this.heartbeat?.stop();
    this.healthWatch?.stop();
    this.readyTimer = undefined;
    this.retryTimer = undefined;
    this.heartbeat = undefined;
    this.healthWatch = undefined;
  }
}
