import {
  CLOSE_AUTH_TIMEOUT,
  CLOSE_SLOW_CONSUMER,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_UNAUTHENTICATED,
  type ServerFrame,
  type SpaceId,
  type Timite,
} from '@tim/protocol';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import type { Config } from '../../config';
import type { Authenticated, Sessions } from '../../domain/sessions';
import { errorStack } from '../../error-text';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { toOutboundFrame, type OutboundFrame } from '../../realtime/outbound-frame';
import type { ConnectionRegistry } from './connection-registry';
import type { FlushScheduler } from './flush-scheduler';
import type { FrameHandler, FramePeer, PeerSubscription } from './frame-peer';
import { createFrameSink } from './frame-sink';
import type { Heartbeat, HeartbeatPeer } from './heartbeat';
import { createOutboundQueue, type OutboundQueue, type OutboundQueueListener } from './outbound-queue';
import { parseClientFrame } from './parse-client-frame';
import { errorSubjectOf, toErrorFrame, wsErrors, type ErrorSubject } from './ws-errors';

/** The settings a connection enforces (see Config). */
export type ConnectionLimits = Pick<
  Config,
  'authTimeoutMs' | 'heartbeatMs' | 'maxConnectionsPerTimite' | 'slowConsumerBytes'
>;

/** What the app's connections share. */
export interface ConnectionDeps {
  limits: ConnectionLimits;
  /** Checks the key of the auth frame. */
  sessions: Sessions;
  /** Every frame after auth (frame-handlers.ts). */
  handleFrame: FrameHandler;
  registry: ConnectionRegistry<Connection>;
  /** One flush per socket per task. */
  flushScheduler: FlushScheduler;
  /** One timer pings them all. */
  heartbeat: Heartbeat;
  metrics: Metrics;
  logger: Logger;
  /** The clock sessions expire by (the same one `sessions` reads). */
  now: () => Date;
}

/**
 * ws's WebSocket with a link to the Connection that owns it. The server creates its sockets
 * from this class, so every socket shares one set of listener functions instead of carrying
 * its own closures: at thousands of idle connections, that is memory.
 */
export class TimWebSocket extends WebSocket {
  connection: Connection | undefined;
}

/** ws types listeners' `this` as its own WebSocket; the server only makes TimWebSockets. */
function connectionOf(socket: WebSocket): Connection | undefined {
  return socket instanceof TimWebSocket ? socket.connection : undefined;
}

function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  connectionOf(this)?.onMessage(data, isBinary);
}

function onSocketClose(this: WebSocket): void {
  connectionOf(this)?.release('socket closed');
}

function onSocketError(this: WebSocket, err: Error): void {
  const connection = connectionOf(this);
  connection?.deps.logger.debug('socket error', { connectionId: connection.id, error: err.message });
}

function onSocketPong(this: WebSocket): void {
  const connection = connectionOf(this);
  if (connection !== undefined) connection.unansweredPings = 0;
}

/** Node's timers hold at most 2^31 - 1 ms (≈ 24.8 days); a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** RFC 6455: the server hit an unexpected condition. */
const CLOSE_INTERNAL_ERROR = 1011;

/**
 * Frames received but not yet handled, past which the socket is no longer read until the
 * backlog is down to RESUME_READING_AT: a peer that floods frames meets TCP backpressure
 * instead of growing the server's memory. Frames already in the chunk being parsed still
 * arrive, so the backlog is bounded by this plus one chunk's frames.
 */
export const MAX_PENDING_FRAMES = 64;
const RESUME_READING_AT = 16;

/**
 * Replayed frames queued for one socket, at most: enough to keep it busy between flushes,
 * and far below the slow-consumer limit, which live updates on top of a replay must not reach.
 */
const MAX_REPLAY_QUEUED_BYTES = 256 * 1024;

type ConnectionState = 'awaiting-auth' | 'authenticating' | 'ready' | 'closed';

export interface ConnectionOptions {
  /** Names the connection in logs. */
  id: string;
  /** Called once the auth frame succeeded, before `ready` is sent. */
  onAuthenticated: () => void;
  /** The HTTP upgrade's socket, which ws writes to: frames pre-built for the wire go there. */
  upgradeSocket: Duplex;
}

/**
 * One WebSocket peer. Every way a connection ends — clean close, TCP reset, failed heartbeat,
 * slow consumer, logout, shutdown — goes through `release`, which gives back its
 * subscriptions, presence and registry entry exactly once.
 */
export class Connection implements FramePeer, HeartbeatPeer, OutboundQueueListener {
  readonly id: string;
  readonly subscriptions = new Map<SpaceId, PeerSubscription>();
  private readonly releaseListeners: Array<() => void> = [];
  timite: Timite | undefined;
  keyHash: string | undefined;
  unansweredPings = 0;
  private state: ConnectionState = 'awaiting-auth';
  private readonly queue: OutboundQueue;
  /** Dropped once cleared: a finished timer should not stay alive per idle connection. */
  private authTimer: NodeJS.Timeout | undefined;
  /** Closes the socket when its session expires; none for agent tokens. */
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Frames are handled one after another, in arrival order. */
  private frameChain: Promise<void> = Promise.resolve();
  /** Frames in frameChain not yet handled. */
  private pending = 0;

  /** Dropped once called: an idle connection should not keep its admission's closure. */
  private onAuthenticated: (() => void) | undefined;

  constructor(
    private readonly socket: TimWebSocket,
    readonly deps: ConnectionDeps,
    options: ConnectionOptions,
  ) {
    this.id = options.id;
    this.onAuthenticated = options.onAuthenticated;
    const { limits } = deps;
    this.queue = createOutboundQueue({
      sink: createFrameSink(socket, options.upgradeSocket),
      scheduler: deps.flushScheduler,
      maxBacklogBytes: limits.slowConsumerBytes,
      listener: this,
    });
    const authTimer = setTimeout(() => this.close(CLOSE_AUTH_TIMEOUT, 'No auth frame in time.'), limits.authTimeoutMs);
    authTimer.unref();
    this.authTimer = authTimer;
    socket.connection = this;
    socket.on('message', onSocketMessage);
    socket.on('close', onSocketClose);
    socket.on('error', onSocketError);
    socket.on('pong', onSocketPong);
    deps.heartbeat.watch(this);
    deps.registry.add(this);
  }

  get timiteId(): number | undefined {
    return this.timite?.id;
  }

  get pendingFrames(): number {
    return this.pending;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  isClosed(): boolean {
    return this.state === 'closed';
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Queues a frame for this peer only; never throws. */
  deliver(frame: OutboundFrame): void {
    if (this.state !== 'closed') this.queue.enqueue(frame);
  }

  /** A replay waits while more than a quarter of the slow-consumer limit (at most 256 KiB) is queued. */
  whenReadyForReplay(): Promise<void> | undefined {
    if (this.state === 'closed') return undefined;
    return this.queue.waitForRoom(Math.min(MAX_REPLAY_QUEUED_BYTES, this.deps.limits.slowConsumerBytes / 4));
  }

  send(frame: ServerFrame): void {
    this.deliver(toOutboundFrame(frame));
  }

  /**
   * Tells the peer why something failed: the one way error frames are sent. An unexpected
   * failure is logged even when the connection has closed meanwhile (the frame is then dropped).
   */
  fail(err: unknown, subject: ErrorSubject = {}): void {
    this.send(toErrorFrame(err, { logger: this.deps.logger, connectionId: this.id, ...subject }));
  }

  onRelease(listener: () => void): void {
    if (this.state === 'closed') listener();
    else this.releaseListeners.push(listener);
  }

  /** Releases at once, then says goodbye with a close code. */
  close(code: number, reason: string): void {
    // Frames already queued (e.g. the error frame that explains this close) go out first.
    if (this.state !== 'closed') this.queue.flush();
    this.release(reason);
    try {
      this.socket.close(code, reason);
    } catch (err) {
      this.deps.logger.debug('close failed', { connectionId: this.id, error: String(err) });
      this.socket.terminate();
    }
  }

  terminate(reason: string): void {
    this.release(reason);
    this.socket.terminate();
  }

  /** The one release path. Idempotent. */
  release(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.deps.heartbeat.unwatch(this);
    this.queue.stop();
    for (const spaceId of [...this.subscriptions.keys()]) this.dropSubscription(spaceId);
    for (const listener of this.releaseListeners.splice(0)) listener();
    this.deps.registry.remove(this);
    this.deps.logger.debug('connection released', { connectionId: this.id, reason });
  }

  /** Ends one subscription: the hub stops delivering and presence is left if it was joined. */
  dropSubscription(spaceId: SpaceId): void {
    const subscription = this.subscriptions.get(spaceId);
    if (subscription === undefined) return;
    this.subscriptions.delete(spaceId);
    subscription.close();
  }

  ping(): void {
    try {
      this.socket.ping();
    } catch {
      // A socket that cannot be pinged is closing; its close event releases it.
    }
  }

  onHeartbeatMissed(): void {
    this.terminate('missed heartbeats');
  }

  onQueueOverflow(backlogBytes: number): void {
    this.deps.metrics.slowConsumerCloses.inc();
    this.deps.logger.info('closing slow consumer', { connectionId: this.id, backlogBytes });
    this.close(CLOSE_SLOW_CONSUMER, 'Too far behind; resume with after.');
  }

  onQueueSendError(err: unknown): void {
    this.deps.logger.info('send to socket failed; dropping connection', { connectionId: this.id, error: String(err) });
    this.terminate('send failed');
  }

  /**
   * A socket is only as good as its session: at the session's expiry it closes with 4401, as
   * after a logout. A session longer than a timer can wait (the default TTL is 30 days) waits
   * in steps.
   */
  private closeAtExpiry(expiresAtMs: number): void {
    const remainingMs = expiresAtMs - this.deps.now().getTime();
    if (remainingMs <= 0) {
      this.close(CLOSE_UNAUTHENTICATED, 'Session expired.');
      return;
    }
    const timer = setTimeout(() => this.closeAtExpiry(expiresAtMs), Math.min(remainingMs, MAX_TIMER_MS));
    timer.unref();
    this.expiryTimer = timer;
  }

  /** Called by the socket's shared listener. */
  onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const text = isBinary ? undefined : rawToString(data);
    this.pending += 1;
    if (this.pending === MAX_PENDING_FRAMES) this.socket.pause();
    this.frameChain = this.frameChain
      .then(() => this.handleText(text))
      .catch((err: unknown) => {
        this.fail(err);
      })
      .then(() => this.frameHandled());
  }

  private frameHandled(): void {
    this.pending -= 1;
    if (this.socket.isPaused && this.pending <= RESUME_READING_AT && this.state !== 'closed') this.socket.resume();
  }

  private async handleText(text: string | undefined): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'awaiting-auth') {
      await this.authenticate(text);
      return;
    }
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      this.fail(wsErrors.invalidFrame(parsed.message));
      return;
    }
    try {
      await this.deps.handleFrame(this, parsed.frame);
    } catch (err) {
      this.fail(err, errorSubjectOf(parsed.frame));
    }
  }

  private async authenticate(text: string | undefined): Promise<void> {
    this.state = 'authenticating';
    const parsed = parseClientFrame(text);
    const key = parsed.ok && parsed.frame.type === 'auth' ? parsed.frame.key : undefined;
    let authenticated: Authenticated | undefined;
    try {
      authenticated = key === undefined ? undefined : await this.deps.sessions.authenticate(key);
    } catch (err) {
      this.deps.logger.error('authentication failed', { connectionId: this.id, error: errorStack(err) });
      this.fail(wsErrors.keyCheckFailed(err));
      this.close(CLOSE_INTERNAL_ERROR, 'Internal error.');
      return;
    }
    if (this.isClosed()) return;
    if (authenticated === undefined) {
      this.fail(key === undefined ? wsErrors.firstFrameNotAuth() : wsErrors.invalidKey());
      this.close(CLOSE_UNAUTHENTICATED, 'Unauthenticated.');
      return;
    }
    clearTimeout(this.authTimer);
    this.authTimer = undefined;
    this.onAuthenticated?.();
    this.onAuthenticated = undefined;
    const { limits, registry } = this.deps;
    if (registry.countForTimite(authenticated.timite.id) >= limits.maxConnectionsPerTimite) {
      this.fail(wsErrors.tooManyConnections(limits.maxConnectionsPerTimite));
      this.close(CLOSE_TOO_MANY_CONNECTIONS, 'Too many connections.');
      return;
    }
    this.timite = authenticated.timite;
    this.keyHash = authenticated.keyHash;
    registry.addAuthenticated(this);
    this.state = 'ready';
    if (authenticated.expiresAtMs !== null) this.closeAtExpiry(authenticated.expiresAtMs);
    this.send({
      type: 'ready',
      timite: authenticated.timite,
      heartbeatMs: limits.heartbeatMs,
      extensions: ['streams', 'messages', 'unread', 'abilities'],
    });
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
