import {
  ClientFrame,
  type ActivityFrame,
  type PingFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from '@tim/protocol';
import { errorStack } from '../../error-text';
import type { HubSubscriber } from '../../realtime/hub';
import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { Connection } from './connection';
import { wsErrors } from './ws-errors';

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; message: string };

/** JSON text → a typed client frame, or a sentence naming what is wrong. */
export function parseClientFrame(text: string | undefined): ParsedFrame {
  if (text === undefined) return { ok: false, message: 'Frames are JSON text, not binary.' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'A frame must be valid JSON.' };
  }
  const result = ClientFrame.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'frame' : issue.path.join('.');
  const message =
    issue?.code === 'unrecognized_keys'
      ? `Unknown field(s): ${issue.keys.join(', ')}.`
      : `${where}: ${issue?.message ?? 'invalid'}.`;
  return { ok: false, message: `Not a valid frame. ${message}` };
}

/** The hub's recipient for one subscription of a connection. */
class SubscriptionDelivery implements HubSubscriber {
  constructor(
    private readonly connection: Connection,
    readonly timiteId: number,
    readonly receiveOwnMessages: boolean,
  ) {}

  deliver(frame: OutboundFrame): void {
    this.connection.deliver(frame);
  }

  whenReadyForReplay(): Promise<void> | undefined {
    return this.connection.whenReadyForReplay();
  }
}

/**
 * Subscribes, or restarts a subscription the connection already holds from the new cursor: the
 * old one stops delivering in the same tick as the new one starts, and presence, already
 * joined, is kept rather than left and joined again.
 */
async function subscribe(connection: Connection, frame: SubscribeFrame): Promise<void> {
  const { spaceId } = frame;
  const { config, storage, hub, presence, logger } = connection.deps;
  if (!connection.subscriptions.has(spaceId) && connection.subscriptions.size >= config.maxSubscriptionsPerConnection) {
    throw wsErrors.tooManySubscriptions(config.maxSubscriptionsPerConnection);
  }
  const space = await storage.getSpace(spaceId);
  if (!connection.isReady) return;
  if (space === undefined) {
    throw wsErrors.noSuchSpace(spaceId);
  }
  const timite = connection.timite;
  if (timite === undefined) return;
  const handle = hub.subscribe(
    spaceId,
    new SubscriptionDelivery(connection, timite.id, frame.receiveOwnMessages ?? true),
    {
      after: frame.after,
    },
  );
  const previous = connection.subscriptions.get(spaceId);
  previous?.handle.close();
  const entry = { handle, joined: previous?.joined ?? false };
  connection.subscriptions.set(spaceId, entry);
  // Not awaited here: the replay may be long, and later frames need not wait for it.
  handle.live.then(
    () => {
      if (connection.subscriptions.get(spaceId) !== entry || entry.joined) return;
      entry.joined = true;
      presence.join(spaceId, timite);
    },
    (err: unknown) => {
      logger.error('subscription failed', { connectionId: connection.id, spaceId, error: errorStack(err) });
      if (connection.subscriptions.get(spaceId) !== entry) return;
      connection.dropSubscription(spaceId);
      connection.fail(wsErrors.subscribeFailed(spaceId, err), spaceId);
    },
  );
}

function unsubscribe(connection: Connection, frame: UnsubscribeFrame): void {
  connection.dropSubscription(frame.spaceId);
  connection.send({ type: 'unsubscribed', spaceId: frame.spaceId });
}

async function activity(connection: Connection, frame: ActivityFrame): Promise<void> {
  const { spaceId } = frame;
  const timite = connection.timite;
  if (timite === undefined) return;
  if (!connection.subscriptions.has(spaceId)) {
    throw wsErrors.notSubscribed(spaceId);
  }
  // Every activity frame is fanned out to the whole space: a flood would cost everyone.
  const { rateLimits, metrics } = connection.deps;
  const decision = await rateLimits.activity.consume(String(timite.id));
  if (!decision.allowed) {
    metrics.rateLimited.inc({ limit: rateLimits.activity.name });
    throw wsErrors.tooManyActivityFrames(decision.retryAfterSeconds);
  }
  await connection.deps.bus.publish(spaceId, {
    kind: 'ephemeral',
    event: { type: 'activity', spaceId, timite, activity: frame.activity },
  });
}

/**
 * Not rate limited: a pong is small and goes to the sender alone, and a flood of pings meets
 * the same inbound backpressure as any other frame.
 */
function ping(connection: Connection, frame: PingFrame): void {
  connection.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
}

/**
 * Frames after authentication. Exhaustive: a new frame type does not compile until handled.
 * A refusal is thrown (see ws-errors.ts); the connection turns it into the error frame.
 */
export async function handleFrame(connection: Connection, frame: ClientFrame): Promise<void> {
  switch (frame.type) {
    case 'auth':
      throw wsErrors.alreadyAuthenticated();
    case 'subscribe':
      await subscribe(connection, frame);
      return;
    case 'unsubscribe':
      unsubscribe(connection, frame);
      return;
    case 'activity':
      await activity(connection, frame);
      return;
    case 'ping':
      ping(connection, frame);
      return;
    default: {
      const unhandled: never = frame;
      throw new Error(`Unhandled frame ${JSON.stringify(unhandled)}`);
    }
  }
}
