import {
  actorIdOf,
  type EphemeralEvent,
  type SpaceId,
  type StreamEndEvent,
  type StreamEvent,
  type Update,
} from '@tim/protocol';
import { revokes, type AccessRevocation } from '../bus/access-change';
import type { Bus, BusEvent, Unsubscribe } from '../bus/bus';
import type { Storage } from '../storage/storage';
import { toOutboundFrame, type OutboundFrame } from './outbound-frame';
import { StreamViews } from './stream-views';

/*
 * The fan-out hub: between the bus and the connections of this process.
 *
 * Per space with at least one local subscriber, the hub holds one channel:
 *   - one bus subscription, opened by the first subscriber and closed after the last leaves;
 *   - `deliveredHead`, the newest update id handed to the live subscribers. It is read from
 *     storage only AFTER the bus subscription resolved, so every update newer than it is
 *     either still to come over the bus or readable from storage: none falls between the two.
 *   - a buffer of early updates. The bus may drop or reorder, so an update whose id is not
 *     `deliveredHead + 1` waits there while the gap is read from storage. Updates leave the
 *     hub strictly in id order, each exactly once.
 * Each update is serialised ONCE into an OutboundFrame and the same object is handed to every
 * subscriber's outbound queue; `deliver` only enqueues, it never waits on a socket.
 *
 * Replay-then-live handover, per subscription:
 *   1. register the subscription as 'catching-up' (the channel is already on the bus and has
 *      `deliveredHead`); live deliveries skip it;
 *   2. send `subscribed` with headId = deliveredHead;
 *   3. page from `after` (or headId when absent) through storage, sending each page; after
 *      every await, check synchronously whether the cursor has reached deliveredHead;
 *   4. when it has, in that same tick, flip to 'live' with lastSentId = cursor.
 * Live delivery sends only ids > lastSentId. Everything up to the cursor came from storage,
 * everything after it comes live in id order: no gap, no duplicate, however many sends run
 * concurrently with the catch-up.
 *
 * A replay is paced by its subscriber (`whenReadyForReplay`): it hands over frames only as fast
 * as the socket takes them, so a subscriber any distance behind catches up instead of tripping
 * the slow-consumer limit. Updates stored meanwhile are read in later pages.
 */

/** Updates read from storage per page, for replay and for filling gaps. */
const PAGE_LIMIT = 500;

/** One recipient of a space's frames: in practice a WebSocket connection. */
export interface HubSubscriber {
  readonly timiteId: number;
  /**
   * When false, updates caused by `timiteId` (its messages, edits, deletes and reactions) are
   * not delivered; they still advance the cursor.
   */
  readonly receiveOwnMessages: boolean;
  /** Hands a frame to the subscriber's outbound queue. Must not throw and must not block. */
  deliver(frame: OutboundFrame): void;
  /**
   * Paces a replay: undefined while the subscriber can take more frames now, else a promise
   * that resolves once it can (or has gone). Live delivery never waits on it.
   */
  whenReadyForReplay(): Promise<void> | undefined;
  /**
   * The timite may no longer read the space (issue 19): delivery has stopped; the subscriber
   * tells its peer and lets go of the subscription.
   */
  revoked?(): void;
}

export interface HubSubscription {
  readonly spaceId: SpaceId;
  /** Resolves once the subscription is live; rejects when the hub could not open the space. */
  readonly live: Promise<void>;
  /** Stops delivery at once. Idempotent. */
  close(): void;
}

/** Fan-out from the bus to this process's subscribers, one channel per space. */
export interface Hub {
  /**
   * Starts a subscription: `subscribed`, then the replay after `after`, then live updates.
   * The caller checks that the space exists first.
   */
  subscribe(spaceId: SpaceId, subscriber: HubSubscriber, options?: { after?: number }): HubSubscription;
  /** Spaces with a channel open here, and the subscriptions registered in them. */
  stats(): { spaces: number; subscriptions: number };
  /** Closes every channel; subscriptions stop receiving. */
  close(): void;
}

export interface HubOptions {
  storage: Storage;
  bus: Bus;
  /** Called with the number of update frames handed to subscribers. */
  onDelivered: (count: number) => void;
  /** A background failure (a gap fill, a bus unsubscribe): logged, never thrown. */
  onError: (err: unknown, spaceId: SpaceId) => void;
  /**
   * Presence events are dropped in spaces with more local subscriptions than this: every
   * presence change costs one frame per subscriber, so N timites joining would cost N² frames
   * (TIM_PRESENCE_MAX_SUBSCRIBERS).
   */
  presenceFanoutMaxSubscriptions: number;
  /**
   * A stream not heard of for this long is taken for lost (the process holding it went away)
   * and ended for the subscribers here. Longer than the streams' idle timeout.
   */
  streamLostAfterMs: number;
}

type SubscriptionState = 'catching-up' | 'live' | 'closed';

interface Subscription {
  readonly subscriber: HubSubscriber;
  state: SubscriptionState;
  lastSentId: number;
}

interface Channel {
  readonly spaceId: SpaceId;
  readonly subscriptions: Set<Subscription>;
  /** Subscriptions registered plus those still waiting for `ready`. */
  refs: number;
  deliveredHead: number;
  initialised: boolean;
  readonly early: Map<number, Update>;
  /** The bus may have lost updates (it said `resync`): storage is read up to its head. */
  isBehind: boolean;
  filling: boolean;
  closed: boolean;
  unsubscribeBus: Unsubscribe | undefined;
  ready: Promise<void>;
  /** The space's open streams as this process knows them, for subscribers who join mid-stream. */
  readonly streams: StreamViews;
}

export function createHub({
  storage,
  bus,
  onDelivered,
  onError,
  presenceFanoutMaxSubscriptions: presenceFanoutMax,
  streamLostAfterMs,
}: HubOptions): Hub {
  const channels = new Map<SpaceId, Channel>();

  function sendUpdate(subscription: Subscription, update: Update, frame: OutboundFrame): boolean {
    const { subscriber } = subscription;
    if (!subscriber.receiveOwnMessages && actorIdOf(update) === subscriber.timiteId) return false;
    subscriber.deliver(frame);
    return true;
  }

  /** The only place deliveredHead advances; callers guarantee update.id === deliveredHead + 1. */
  function deliverLive(channel: Channel, update: Update): void {
    channel.deliveredHead = update.id;
    const frame = toOutboundFrame({ type: 'update', update });
    let delivered = 0;
    for (const subscription of channel.subscriptions) {
      if (subscription.state !== 'live' || update.id <= subscription.lastSentId) continue;
      subscription.lastSentId = update.id;
      if (sendUpdate(subscription, update, frame)) delivered += 1;
    }
    if (delivered > 0) onDelivered(delivered);
  }

  function drainEarly(channel: Channel): void {
    for (const id of channel.early.keys()) {
      if (id <= channel.deliveredHead) channel.early.delete(id);
    }
    for (;;) {
      const next = channel.early.get(channel.deliveredHead + 1);
      if (next === undefined) return;
      channel.early.delete(next.id);
      deliverLive(channel, next);
    }
  }

  /**
   * Reads the missing ids from storage: those before an early update, or, when the channel is
   * behind, everything up to storage's head. One fill per channel at a time.
   */
  async function fillGap(channel: Channel): Promise<void> {
    if (channel.filling) return;
    channel.filling = true;
    try {
      while ((channel.early.size > 0 || channel.isBehind) && !channel.closed) {
        // Taken before the read: a resync during it asks for another round.
        channel.isBehind = false;
        const page = await storage.readUpdates(channel.spaceId, { after: channel.deliveredHead, limit: PAGE_LIMIT });
        if (channel.closed) return;
        if (page.length === PAGE_LIMIT) channel.isBehind = true;
        const headBefore = channel.deliveredHead;
        for (const update of page) {
          if (update.id === channel.deliveredHead + 1) deliverLive(channel, update);
        }
        drainEarly(channel);
        // Updates are published only after they are stored, so storage has the missing ids;
        // if it did not, the next bus event starts another fill.
        if (channel.deliveredHead === headBefore && !channel.isBehind) return;
      }
    } finally {
      channel.filling = false;
    }
  }

  function onResync(channel: Channel): void {
    // Not yet initialised: the head it reads after subscribing covers what was missed.
    if (!channel.initialised) return;
    channel.isBehind = true;
    fillGap(channel).catch((err: unknown) => onError(err, channel.spaceId));
  }

  function onBusUpdate(channel: Channel, update: Update): void {
    if (update.id <= channel.deliveredHead && channel.initialised) return;
    channel.early.set(update.id, update);
    if (!channel.initialised) return;
    drainEarly(channel);
    if (channel.early.size > 0) fillGap(channel).catch((err: unknown) => onError(err, channel.spaceId));
  }

  function sendStreamEvent(
    subscription: Subscription,
    event: StreamEvent | StreamEndEvent,
    frame: OutboundFrame,
  ): void {
    const { subscriber } = subscription;
    if (!subscriber.receiveOwnMessages && subscriber.timiteId === event.author.id) return;
    subscriber.deliver(frame);
  }

  /** Stream events go to live subscriptions only: one still replaying gets the text so far when it goes live. */
  function onStreamEvent(channel: Channel, event: StreamEvent | StreamEndEvent): void {
    channel.streams.apply(event);
    const frame = toOutboundFrame(event);
    for (const subscription of channel.subscriptions) {
      if (subscription.state === 'live') sendStreamEvent(subscription, event, frame);
    }
  }

  function goLive(channel: Channel, subscription: Subscription, cursor: number): void {
    subscription.lastSentId = cursor;
    subscription.state = 'live';
    for (const snapshot of channel.streams.snapshots()) {
      sendStreamEvent(subscription, snapshot, toOutboundFrame(snapshot));
    }
  }

  function expireLostStreams(): void {
    for (const channel of channels.values()) {
      for (const end of channel.streams.expire(streamLostAfterMs)) onStreamEvent(channel, end);
    }
  }
  const lostStreamSweep = setInterval(expireLostStreams, Math.min(5000, streamLostAfterMs / 3));
  lostStreamSweep.unref();

  function onEphemeral(channel: Channel, event: EphemeralEvent): void {
    if (event.type === 'stream' || event.type === 'stream_end') {
      onStreamEvent(channel, event);
      return;
    }
    if (event.type === 'presence' && channel.subscriptions.size > presenceFanoutMax) return;
    const frame = toOutboundFrame(event);
    for (const subscription of channel.subscriptions) {
      // Activity goes to everyone but the timite who is active.
      if (event.type === 'activity' && subscription.subscriber.timiteId === event.timite.id) continue;
      subscription.subscriber.deliver(frame);
    }
  }

  /** Ends, at once, the subscriptions of the timites who lost the space. */
  function onAccessRevoked(channel: Channel, revocation: AccessRevocation): void {
    for (const subscription of [...channel.subscriptions]) {
      if (!revokes(revocation, subscription.subscriber.timiteId)) continue;
      releaseSubscription(channel, subscription);
      subscription.subscriber.revoked?.();
    }
  }

  function onBusEvent(channel: Channel, event: BusEvent): void {
    if (channel.closed) return;
    switch (event.kind) {
      case 'update':
        onBusUpdate(channel, event.update);
        return;
      case 'ephemeral':
        onEphemeral(channel, event.event);
        return;
      case 'resync':
        onResync(channel);
        return;
      case 'stream-control':
        // For the process holding the stream (domain/streams.ts), not for subscribers.
        return;
      case 'read-marker':
        // For the timite's unread feeds (realtime/unread-feed.ts), not for subscribers.
        return;
      case 'access':
        if (event.revoke !== undefined) onAccessRevoked(channel, event.revoke);
        return;
    }
  }

  async function openChannel(channel: Channel): Promise<void> {
    const unsubscribe = await bus.subscribe(channel.spaceId, (event) => onBusEvent(channel, event));
    channel.unsubscribeBus = unsubscribe;
    if (channel.closed) {
      await unsubscribe();
      return;
    }
    // After the bus subscription: anything newer than this head arrives over the bus.
    const head = await storage.headId(channel.spaceId);
    if (channel.closed) return;
    channel.deliveredHead = head;
    channel.initialised = true;
    drainEarly(channel);
    if (channel.early.size > 0) fillGap(channel).catch((err: unknown) => onError(err, channel.spaceId));
    // Streams opened before this process listened: their holders send the text so far.
    bus
      .publish(channel.spaceId, { kind: 'stream-control', control: { type: 'sync' } })
      .catch((err: unknown) => onError(err, channel.spaceId));
  }

  function closeChannel(channel: Channel): void {
    channel.closed = true;
    channel.early.clear();
    if (channels.get(channel.spaceId) === channel) channels.delete(channel.spaceId);
    channel.unsubscribeBus?.().catch((err: unknown) => onError(err, channel.spaceId));
  }

  function acquireChannel(spaceId: SpaceId): Channel {
    const existing = channels.get(spaceId);
    if (existing !== undefined) {
      existing.refs += 1;
      return existing;
    }
    const channel: Channel = {
      spaceId,
      subscriptions: new Set(),
      refs: 1,
      deliveredHead: 0,
      initialised: false,
      early: new Map(),
      isBehind: false,
      filling: false,
      closed: false,
      unsubscribeBus: undefined,
      ready: Promise.resolve(),
      streams: new StreamViews(),
    };
    channels.set(spaceId, channel);
    channel.ready = openChannel(channel);
    // A channel that failed to open is forgotten, so the next subscriber tries afresh.
    channel.ready.catch(() => {
      if (channels.get(spaceId) === channel) channels.delete(spaceId);
    });
    return channel;
  }

  function releaseSubscription(channel: Channel, subscription: Subscription): void {
    if (subscription.state === 'closed') return;
    subscription.state = 'closed';
    channel.subscriptions.delete(subscription);
    channel.refs -= 1;
    if (channel.refs === 0) closeChannel(channel);
  }

  async function catchUp(channel: Channel, subscription: Subscription, from: number): Promise<void> {
    let cursor = from;
    while (subscription.state === 'catching-up') {
      // Synchronous from this check to the flip: no live delivery can slip in between.
      if (cursor >= channel.deliveredHead) {
        goLive(channel, subscription, cursor);
        return;
      }
      const page = await storage.readUpdates(channel.spaceId, { after: cursor, limit: PAGE_LIMIT });
      if (subscription.state !== 'catching-up') return;
      if (page.length === 0) {
        throw new Error(
          `Storage has no updates after ${cursor} in "${channel.spaceId}" but the hub delivered up to ${channel.deliveredHead}.`,
        );
      }
      let delivered = 0;
      for (const update of page) {
        if (update.id <= cursor) continue;
        const room = subscription.subscriber.whenReadyForReplay();
        if (room !== undefined) {
          if (delivered > 0) onDelivered(delivered);
          delivered = 0;
          await room;
          if (subscription.state !== 'catching-up') return;
        }
        cursor = update.id;
        if (sendUpdate(subscription, update, toOutboundFrame({ type: 'update', update }))) delivered += 1;
      }
      if (delivered > 0) onDelivered(delivered);
    }
  }

  async function start(
    channel: Channel,
    subscription: Subscription,
    options: { after: number | undefined },
  ): Promise<void> {
    await channel.ready;
    if (subscription.state === 'closed') return;
    channel.subscriptions.add(subscription);
    const headId = channel.deliveredHead;
    subscription.subscriber.deliver(toOutboundFrame({ type: 'subscribed', spaceId: channel.spaceId, headId }));
    let from = options.after ?? headId;
    if (from > headId) {
      // Past what the hub has delivered: updates still on their way over the bus, or a cursor
      // kept across a data reset. Past storage's head it is the latter: resume at that head,
      // so the updates that come later still reach the subscriber.
      from = Math.min(from, await storage.headId(channel.spaceId));
    }
    await catchUp(channel, subscription, from);
  }

  return {
    subscribe(spaceId, subscriber, options = {}) {
      const channel = acquireChannel(spaceId);
      const subscription: Subscription = { subscriber, state: 'catching-up', lastSentId: 0 };
      const close = () => releaseSubscription(channel, subscription);
      const live = start(channel, subscription, { after: options.after });
      // A subscription that failed is released here; the caller still sees the rejection.
      live.catch(close);
      return { spaceId, live, close };
    },

    stats() {
      let subscriptions = 0;
      for (const channel of channels.values()) subscriptions += channel.subscriptions.size;
      return { spaces: channels.size, subscriptions };
    },

    close() {
      clearInterval(lostStreamSweep);
      for (const channel of [...channels.values()]) {
        for (const subscription of channel.subscriptions) subscription.state = 'closed';
        channel.subscriptions.clear();
        closeChannel(channel);
      }
    },
  };
}
