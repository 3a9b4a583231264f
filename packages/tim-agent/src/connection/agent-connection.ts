import type { Activity, TimClient, Timite, Update } from '@tim/protocol';
import { describeError } from '../describe-error';
import type { Logger } from '../logger';

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
  /** Resolves when the connection is closed for good: `close()`, or the server refused the token. */
  readonly closed: Promise<void>;
  close(): void;
}

export interface AgentConnectionOptions {
  client: TimClient;
  spaceIds: readonly string[];
  listener: SpaceListener;
  log: Logger;
}

/** Connects, logs every state change, and hands subscriptions and updates to `listener`. */
export function openAgentConnection({ client, spaceIds, listener, log }: AgentConnectionOptions): AgentConnection {
  let isClosing = false;
  const connection = client.connect();
  const closed = new Promise<void>((resolve) => {
    connection.on('state', ({ previous, next, reason }) => {
      log.info('connection state', { previous, next, reason });
      if (next !== 'closed') return;
      if (!isClosing) log.error('connection closed for good; is the agent token valid?', { reason });
      resolve();
    });
  });
  connection.on('ready', (timite) => {
    if (timite.kind !== 'agent') log.warn('the token belongs to a human timite, not an agent', { nick: timite.nick });
  });
  connection.on('error', (error) => log.warn('server error frame', { code: error.code, spaceId: error.spaceId }));
  connection.on('subscribed', ({ spaceId, headId }) => listener.subscribed(spaceId, headId));
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
    closed,
    close() {
      isClosing = true;
      connection.close();
    },
  };
}
