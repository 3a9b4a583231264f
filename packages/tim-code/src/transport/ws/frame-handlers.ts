import type {
  ActivityFrame,
  ClientFrame,
  DeclareAbilitiesFrame,
  PingFrame,
  SpaceId,
  StreamAppendFrame,
  StreamOpenFrame,
  StreamStopFrame,
  SubscribeFrame,
  Timite,
  UnsubscribeFrame,
} from '@tim/protocol';
import type { Bus } from '../../bus/bus';
import type { AbilitySchemas } from '../../domain/ability-schemas';
import { errorStack } from '../../error-text';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { RateLimit, RateLimits } from '../../rate-limit/rate-limits';
import type { SpaceAccessCheck } from '../../domain/space-access';
import { isTimError, type TimError } from '../../domain/tim-error';
import type { AbilitiesRegistry } from '../../realtime/abilities-registry';
import type { Hub, HubSubscriber, HubSubscription } from '../../realtime/hub';
import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { Presence } from '../../realtime/presence';
import type { Storage } from '../../storage/storage';
import type { StreamOwner, Streams } from '../../domain/streams';
import type { UnreadFeed } from '../../realtime/unread-feed';
import type { FrameHandler, FramePeer, PeerSubscription } from './frame-peer';
import { wsErrors } from './ws-errors';

/** What frames after authentication reach. */
export interface FrameServices {
  storage: Storage;
  /** Who may read (subscribe, stop streams) and post (open streams) where (issue 19). */
  access: SpaceAccessCheck;
  /** Activity goes out over the bus, to the whole space. */
  bus: Bus;
  hub: Hub;
  presence: Presence;
  /** Activity frames spend the sender's `activity` budget, stream appends its `streamAppends`. */
  rateLimits: RateLimits;
  /** Streaming messages held by this process. */
  streams: Streams;
  /** `unread_subscribe`: new messages of every space and the timite's read markers. */
  unreadFeed: UnreadFeed;
  /** `abilities_declare`: each connection's declarations, released with it. */
  abilities: AbilitiesRegistry;
  /** Checks the parameters schemas of a declaration. */
  abilitySchemas: AbilitySchemas;
}

export interface FrameHandlerOptions {
  services: FrameServices;
  /** TIM_MAX_SUBSCRIPTIONS_PER_CONNECTION. */
  maxSubscriptionsPerConnection: number;
  metrics: Metrics;
  logger: Logger;
}

/**
 * A peer's subscription to one space: the hub's recipient for it, and, once live, the timite's
 * presence membership in the space.
 */
class SpaceSubscription implements HubSubscriber, PeerSubscription {
  readonly timiteId: number;
  private joined = false;
  private handle: HubSubscription | undefined;

  constructor(
    private readonly peer: FramePeer,
    private readonly presence: Presence,
    private readonly spaceId: SpaceId,
    private readonly timite: Timite,
    readonly receiveOwnMessages: boolean,
    /** Called once the timite lost the space: what else the peer holds there goes too. */
    private readonly onRevoked: () => void = () => undefined,
  ) {
    this.timiteId = timite.id;
  }

  /** Subscribes at the hub; resolves once live (see HubSubscription.live). */
  start(hub: Hub, after: number | undefined): Promise<void> {
    this.handle = hub.subscribe(this.spaceId, this, { after });
    return this.handle.live;
  }

  /** Takes over the membership of the subscription it restarts, if that one had joined. */
  takeOver(previous: PeerSubscription | undefined): void {
    this.joined = previous?.handOver() ?? false;
  }

  joinPresence(): void {
    if (this.joined) return;
    this.joined = true;
    this.presence.join(this.spaceId, this.timite);
  }

  deliver(frame: OutboundFrame): void {
    this.peer.deliver(frame);
  }

  whenReadyForReplay(): Promise<void> | undefined {
    return this.peer.whenReadyForReplay();
  }

  handOver(): boolean {
    this.handle?.close();
    const joined = this.joined;
    this.joined = false;
    return joined;
  }

  close(): void {
    if (this.handOver()) this.presence.leave(this.spaceId, this.timiteId);
  }

  /** The timite lost the space (issue 19): the hub stopped delivering; the peer forgets it and is told why. */
  revoked(): void {
    if (this.peer.subscriptions.get(this.spaceId) !== this) return;
    this.peer.dropSubscription(this.spaceId);
    this.peer.send({ type: 'unsubscribed', spaceId: this.spaceId, reason: 'removed' });
    this.onRevoked();
  }
}

/**
 * The handlers of frames after authentication. Exhaustive: a new frame type does not compile
 * until handled. A refusal is thrown (see ws-errors.ts); the peer turns it into the error frame.
 */
export function createFrameHandler({
  services,
  maxSubscriptionsPerConnection,
  metrics,
  logger,
}: FrameHandlerOptions): FrameHandler {
  const { access, bus, hub, presence, rateLimits, streams, unreadFeed, abilities, abilitySchemas } = services;
  /** Each peer's face as a stream author, made at its first stream; its streams end when it goes. */
  const owners = new WeakMap<FramePeer, StreamOwner>();
  /** Peers that sent `unread_subscribe`: a second one is answered without watching twice. */
  const unreadWatchers = new WeakSet<FramePeer>();
  /** Peers that declared abilities: their declarations go when they do. */
  const declaringPeers = new WeakSet<FramePeer>();

  function ownerOf(peer: FramePeer): StreamOwner | undefined {
    const timite = peer.timite;
    if (timite === undefined) return undefined;
    let owner = owners.get(peer);
    if (owner === undefined) {
      const created: StreamOwner = { timite, send: (frame) => peer.send(frame) };
      owners.set(peer, created);
      peer.onRelease(() => streams.release(created));
      owner = created;
    }
    return owner;
  }

  /** The timite lost the space (issue 19): what this peer declared there is withdrawn. */
  function withdrawAbilities(peer: FramePeer, spaceId: SpaceId, timite: Timite): void {
    if (!declaringPeers.has(peer)) return;
    abilities.declare(peer.id, spaceId, timite, []).catch((err: unknown) => {
      logger.error('withdrawing abilities failed', { connectionId: peer.id, spaceId, error: errorStack(err) });
    });
  }

  /** Spends one unit of the timite's budget, or throws the refusal. */
  async function spend(limit: RateLimit, timite: Timite, refuse: (retryAfterSeconds: number) => TimError) {
    const decision = await limit.consume(String(timite.id));
    if (decision.allowed) return;
    metrics.rateLimited.inc({ limit: limit.name });
    throw refuse(decision.retryAfterSeconds);
  }

  async function streamOpen(peer: FramePeer, frame: StreamOpenFrame): Promise<void> {
    const timite = peer.timite;
    if (timite === undefined) return;
    await access.postable(timite.id, frame.spaceId);
    if (!peer.isReady) return;
    const owner = ownerOf(peer);
    if (owner === undefined) return;
    // A stream becomes a message: it spends the sender's message budget like a post.
    await spend(rateLimits.messages, owner.timite, wsErrors.tooManyMessages);
    streams.open(owner, { spaceId: frame.spaceId, clientMsgId: frame.clientMsgId, text: frame.text ?? '' });
  }

  async function streamAppend(peer: FramePeer, frame: StreamAppendFrame): Promise<void> {
    const owner = ownerOf(peer);
    if (owner === undefined) return;
    await spend(rateLimits.streamAppends, owner.timite, wsErrors.tooManyStreamAppends);
    streams.append(owner, frame.streamId, frame.text);
  }

  async function streamStop(peer: FramePeer, frame: StreamStopFrame): Promise<void> {
    const timite = peer.timite;
    if (timite === undefined) return;
    await access.readable(timite.id, frame.spaceId);
    await streams.stop(timite, frame.spaceId, frame.streamId);
  }

  /**
   * Subscribes, or restarts a subscription the peer already holds from the new cursor: the old
   * one stops delivering in the same tick as the new one starts, and presence, already joined,
   * is kept rather than left and joined again.
   */
  async function subscribe(peer: FramePeer, frame: SubscribeFrame): Promise<void> {
    const { spaceId } = frame;
    if (!peer.subscriptions.has(spaceId) && peer.subscriptions.size >= maxSubscriptionsPerConnection) {
      throw wsErrors.tooManySubscriptions(maxSubscriptionsPerConnection);
    }
    const timite = peer.timite;
    if (timite === undefined) return;
    // A private space of others answers exactly like one that does not exist (issue 19).
    // Read fresh: a space made private elsewhere within the cache's second must not be joined.
    await access.readable(timite.id, spaceId, { fresh: true });
    if (!peer.isReady) return;
    const subscription = new SpaceSubscription(peer, presence, spaceId, timite, frame.receiveOwnMessages ?? true, () =>
      withdrawAbilities(peer, spaceId, timite),
    );
    const live = subscription.start(hub, frame.after);
    subscription.takeOver(peer.subscriptions.get(spaceId));
    peer.subscriptions.set(spaceId, subscription);
    // Not awaited here: the replay may be long, and later frames need not wait for it.
    live.then(
      () => joinAndRecheck(peer, spaceId, timite, subscription),
      (err: unknown) => {
        logger.error('subscription failed', { connectionId: peer.id, spaceId, error: errorStack(err) });
        if (peer.subscriptions.get(spaceId) !== subscription) return;
        peer.dropSubscription(spaceId);
        peer.fail(wsErrors.subscribeFailed(spaceId, err), { spaceId });
      },
    );
  }

  /**
   * Once live, the access is read again: a removal committed between the first check and the
   * hub's listening was published before anyone here listened for it. Storage has it, so this
   * read sees it and ends the subscription (and its presence) as the hub would have. Presence
   * is joined at once, as before: waiting for the read would spread a crowd's joins out and
   * cost more presence frames.
   */
  function joinAndRecheck(peer: FramePeer, spaceId: SpaceId, timite: Timite, subscription: SpaceSubscription): void {
    if (peer.subscriptions.get(spaceId) !== subscription) return;
    subscription.joinPresence();
    access.readable(timite.id, spaceId, { fresh: true }).catch((err: unknown) => {
      if (isTimError(err) && err.code === 'not_found') subscription.revoked();
      else
        logger.warn('checking access after subscribing failed', {
          connectionId: peer.id,
          spaceId,
          error: errorStack(err),
        });
    });
  }

  function unsubscribe(peer: FramePeer, frame: UnsubscribeFrame): void {
    peer.dropSubscription(frame.spaceId);
    peer.send({ type: 'unsubscribed', spaceId: frame.spaceId });
  }

  async function activity(peer: FramePeer, frame: ActivityFrame): Promise<void> {
    const { spaceId } = frame;
    const timite = peer.timite;
    if (timite === undefined) return;
    if (!peer.subscriptions.has(spaceId)) {
      throw wsErrors.notSubscribed(spaceId);
    }
    // Every activity frame is fanned out to the whole space: a flood would cost everyone.
    await spend(rateLimits.activity, timite, wsErrors.tooManyActivityFrames);
    await bus.publish(spaceId, {
      kind: 'ephemeral',
      event: { type: 'activity', spaceId, timite, activity: frame.activity },
    });
  }

  /** Lasts as long as the connection; repeated, it is answered again and changes nothing. */
  async function unreadSubscribe(peer: FramePeer): Promise<void> {
    const timite = peer.timite;
    if (timite === undefined) return;
    if (!unreadWatchers.has(peer)) {
      unreadWatchers.add(peer);
      let stop: () => void;
      try {
        stop = await unreadFeed.watch({ timiteId: timite.id, deliver: (frame) => peer.deliver(frame) });
      } catch (err) {
        unreadWatchers.delete(peer);
        throw err;
      }
      // Runs at once when the connection closed meanwhile.
      peer.onRelease(stop);
    }
    peer.send({ type: 'unread_subscribed' });
  }

  /**
   * Replaces the peer's declaration in the space ([] withdraws it), answered once recorded.
   * Spends the activity budget: a change is announced to the whole space, and a declaration's
   * schemas are compiled.
   */
  async function declareAbilities(peer: FramePeer, frame: DeclareAbilitiesFrame): Promise<void> {
    const timite = peer.timite;
    if (timite === undefined) return;
    await spend(rateLimits.activity, timite, wsErrors.tooManyDeclarations);
    abilitySchemas.checkDeclaration(frame.abilities);
    await access.readable(timite.id, frame.spaceId);
    // In the same tick as the declaration: a release comes after it, and withdraws it.
    if (!peer.isReady) return;
    if (!declaringPeers.has(peer)) {
      declaringPeers.add(peer);
      peer.onRelease(() => abilities.release(peer.id));
    }
    await abilities.declare(peer.id, frame.spaceId, timite, frame.abilities);
    peer.send({ type: 'abilities_declared', spaceId: frame.spaceId });
  }

  /**
   * Not rate limited: a pong is small and goes to the sender alone, and a flood of pings meets
   * the same inbound backpressure as any other frame.
   */
  function ping(peer: FramePeer, frame: PingFrame): void {
    peer.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
  }

  return async (peer: FramePeer, frame: ClientFrame): Promise<void> => {
    switch (frame.type) {
      case 'auth':
        throw wsErrors.alreadyAuthenticated();
      case 'subscribe':
        await subscribe(peer, frame);
        return;
      case 'unsubscribe':
        unsubscribe(peer, frame);
        return;
      case 'activity':
        await activity(peer, frame);
        return;
      case 'ping':
        ping(peer, frame);
        return;
      case 'stream_open':
        await streamOpen(peer, frame);
        return;
      case 'stream_append':
        await streamAppend(peer, frame);
        return;
      case 'stream_finish': {
        const owner = ownerOf(peer);
        if (owner !== undefined) await streams.finish(owner, frame.streamId);
        return;
      }
      case 'stream_abort': {
        const owner = ownerOf(peer);
        if (owner !== undefined) streams.abort(owner, frame.streamId);
        return;
      }
      case 'stream_stop':
        await streamStop(peer, frame);
        return;
      case 'unread_subscribe':
        await unreadSubscribe(peer);
        return;
      case 'abilities_declare':
        await declareAbilities(peer, frame);
        return;
      default: {
        const unhandled: never = frame;
        throw new Error(`Unhandled frame ${JSON.stringify(unhandled)}`);
      }
    }
  };
}
