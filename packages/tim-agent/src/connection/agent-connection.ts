import type { Ability, Activity, OutgoingStream, TimClient, Timite, Update } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';
import { createOutageWarnings } from './outage-warnings';
import { createSpaceRetries } from './space-retries';
import { createStreamOpens } from './stream-opens';
import type { WarningBackoff } from './warning-backoff';

/** What the agent's spaces hear from its connection. */
export interface SpaceListener {
  /** The server confirmed a subscription (again after every reconnect), with the space's newest update id. */
  subscribed(spaceId: string, headId: number): void;
  /** An update of a subscribed space, in id order, each once. */
  update(update: Update): void;
}

/** One agent's live connection: authenticates with its token and keeps its spaces subscribed. */
export interface AgentConnection {
  /** The agent as the server knows it, from the last 'ready'; undefined before the first. */
  self(): Timite | undefined;
  /** Broadcasts an activity in a space; dropped while disconnected (activity is never queued). */
  sendActivity(spaceId: string, activity: Activity): void;
  /**
   * Opens a streaming message in a space (protocol section 7). Rejects with a `TimClientError`:
   * the server's refusal; `network` when the connection is not open or drops; `invalid_request`
   * when the server does not know streams (it answered the frame as unknown, and every open
   * until the next reconnect is refused at once); `timeout` without an answer within 5 s.
   */
  openStream(spaceId: string, options: { clientMsgId: string; text: string }): Promise<OutgoingStream>;
  /**
   * Declares (replaces) the agent's abilities in a space; [] withdraws them. The connection
   * declares them again after every reconnect; a server without abilities ignores them.
   */
  declareAbilities(spaceId: string, abilities: Ability[]): void;
  /** Resolves when the connection is closed for good: `close()`, or the server refused the token. */
  readonly closed: Promise<void>;
  close(): void;
}

export interface AgentConnectionOptions {
  client: TimClient;
  spaceIds: readonly string[];
  listener: SpaceListener;
  /** How often an unreachable server and a refused space are warned about (and the space retried). */
  warningBackoff: WarningBackoff;
  now: () => number;
  log: Logger;
}

/**
 * The codes with which the server refuses a subscribe; the client then forgets the space (as
 * tim-protocol's TimConnection does), so the agent asks again later.
 */
const SUBSCRIBE_REFUSALS = new Set(['not_found', 'forbidden', 'limit_exceeded']);

/**
 * Connects, logs every state change, hands subscriptions and updates to `listener`, and keeps
 * warning, with backoff, while the server cannot be reached or refuses one of the spaces.
 */
export function openAgentConnection(options: AgentConnectionOptions): AgentConnection {
  const { client, listener, log } = options;
  let isClosing = false;
  const connection = client.connect();
  /** Spaces the server confirmed on the current connection. */
  const confirmed = new Set<string>();
  const spaceIds = new Set(options.spaceIds);
  const retries = createSpaceRetries({
    subscribe: (spaceId) => connection.subscribe(spaceId),
    backoff: options.warningBackoff,
    log,
  });
  const outage = createOutageWarnings({ backoff: options.warningBackoff, now: options.now, log });
  const streamOpens = createStreamOpens(connection, log);

  const closed = new Promise<void>((resolve) => {
    connection.on('state', ({ previous, next, reason }) => {
      log.info('connection state', { previous, next, reason });
      if (next === 'open') {
        outage.opened();
        streamOpens.reconnected();
      } else {
        confirmed.clear();
      }
      if (next !== 'closed') return;
      retries.stop();
      if (!isClosing) log.error('connection closed for good; is the agent token valid?', { reason });
      resolve();
    });
  });
  connection.on('retry', ({ attempt, reason }) => outage.retrying(attempt, reason));
  connection.on('ready', (timite) => {
    if (timite.kind !== 'agent') log.warn('the token belongs to a human timite, not an agent', { nick: timite.nick });
  });
  connection.on('error', (error) => {
    const { spaceId, code } = error;
    if (streamOpens.isUnknownFrameAnswer(error)) return;
    if (spaceId !== undefined && spaceIds.has(spaceId) && !confirmed.has(spaceId) && SUBSCRIBE_REFUSALS.has(code)) {
      retries.refused(spaceId, code);
    } else {
      log.warn('server error frame', { code, spaceId });
    }
  });
  connection.on('unsubscribed', ({ spaceId, reason }) => {
    // The server ended it: the agent lost the space (removed, or it turned private).
    if (reason === undefined || !spaceIds.has(spaceId)) return;
    confirmed.delete(spaceId);
    retries.refused(spaceId, reason);
  });
  connection.on('subscribed', ({ spaceId, headId }) => {
    confirmed.add(spaceId);
    retries.subscribed(spaceId);
    listener.subscribed(spaceId, headId);
  });
  connection.on('update', (update) => {
    try {
      listener.update(update);
    } catch (err) {
      log.error('update handling failed', { updateId: update.id, ...describeError(err) });
    }
  });
  for (const spaceId of spaceIds) connection.subscribe(spaceId);

  return {
    self: () => connection.timite,
    sendActivity(spaceId, activity) {
      connection.sendActivity(spaceId, activity);
    },
    openStream: streamOpens.open,
    declareAbilities(spaceId, abilities) {
      try {
        if (!connection.declareAbilities(spaceId, abilities)) {
          log.warn('abilities not declared: the server does not speak abilities', { spaceId });
        }
      } catch (err) {
        log.error('abilities not declared: the declaration is invalid', { spaceId, ...describeError(err) });
      }
    },
    closed,
    close() {
      isClosing = true;
      retries.stop();
      connection.close();
    },
  };
}
