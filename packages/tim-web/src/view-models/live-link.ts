import type { Activity, ConnectionState, SpaceId, SubscribeOptions, TimConnectionEvents } from '@tim/protocol';
import type { ChatClient, ChatConnection, SpaceFrames } from './chat-ports';
import type { UnreadHandlers } from './reading';

type LiveEventName =
  'state' | 'update' | 'presence' | 'activity' | 'stream' | 'stream_end' | 'abilities' | 'unsubscribed';

/** What the chat does with each kind of event the connection delivers. */
export type LiveHandlers = { [K in LiveEventName]: (payload: TimConnectionEvents[K]) => void };

/**
 * The chat's one live connection. The modules hold this object from the start; until
 * `connect` makes the connection, and after `close`, the frames they send go nowhere.
 */
export class LiveLink implements SpaceFrames {
  readonly #client: Pick<ChatClient, 'connect'>;
  readonly #stopListening: Array<() => void> = [];
  #connection: ChatConnection | undefined;

  constructor(client: Pick<ChatClient, 'connect'>) {
    this.#client = client;
  }

  /** `connecting` until `connect`. */
  get state(): ConnectionState {
    return this.#connection?.state ?? 'connecting';
  }

  connect(handlers: LiveHandlers): void {
    const connection = this.#client.connect();
    this.#connection = connection;
    this.#stopListening.push(
      connection.on('state', handlers.state),
      connection.on('update', handlers.update),
      connection.on('presence', handlers.presence),
      connection.on('activity', handlers.activity),
      connection.on('stream', handlers.stream),
      connection.on('stream_end', handlers.stream_end),
      connection.on('abilities', handlers.abilities),
      connection.on('unsubscribed', handlers.unsubscribed),
    );
  }

  /** Asks for the unread feed (now, and at every reconnect); call after `connect`. */
  watchUnread(handlers: UnreadHandlers): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#stopListening.push(
      connection.on('unread_subscribed', handlers.unread_subscribed),
      connection.on('space_activity', handlers.space_activity),
      connection.on('read_marker', handlers.read_marker),
      connection.on('space_added', handlers.space_added),
    );
    connection.watchUnread();
  }

  subscribe(spaceId: SpaceId, options?: SubscribeOptions): void {
    this.#connection?.subscribe(spaceId, options);
  }

  unsubscribe(spaceId: SpaceId): void {
    this.#connection?.unsubscribe(spaceId);
  }

  /** False when the frame could not go out (not connected). */
  sendActivity(spaceId: SpaceId, activity: Activity): boolean {
    return this.#connection?.sendActivity(spaceId, activity) ?? false;
  }

  /** Asks the server to stop someone's stream; false when the frame could not go out (not connected). */
  stopStream(spaceId: SpaceId, streamId: string): boolean {
    return this.#connection?.stopStream(spaceId, streamId) ?? false;
  }

  /** Stops the handlers and closes the connection for good. */
  close(): void {
    for (const stop of this.#stopListening.splice(0)) stop();
    this.#connection?.close();
  }
}
