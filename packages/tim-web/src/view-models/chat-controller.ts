import {
  DEFAULT_LIMITS,
  type Message,
  type Space,
  type SpaceId,
  type Timite,
  type TimClient,
  type TimConnection,
  type Update,
} from '@tim/protocol';
import { describeError } from './error-words';
import type { KeyValueStore } from './key-value-store';
import { Outbox, type OutboxItem } from './outbox';
import { People, TypingThrottle } from './people';
import { Timeline } from './timeline';

/** The part of a `TimConnection` the chat screen uses; tests pass a fake. */
export type ChatSubscription = Pick<
  TimConnection,
  'state' | 'on' | 'subscribe' | 'unsubscribe' | 'sendActivity' | 'close'
>;

/** The part of `TimClient` the chat screen uses; tests pass a fake. */
export type ChatClient = Pick<
  TimClient,
  'limits' | 'listSpaces' | 'createSpace' | 'readUpdates' | 'presence' | 'sendMessage' | 'logout'
> & { connect(): ChatSubscription };

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type TimelineItem =
  | { key: string; kind: 'message'; updateId: number; message: Message; mine: boolean }
  | { key: string; kind: 'outbox'; item: OutboxItem };

/** Everything the chat screen renders, rebuilt on every change. */
export interface ChatView {
  me: Timite;
  connection: ConnectionStatus;
  spaces: Space[];
  spaceId: SpaceId;
  items: TimelineItem[];
  hasOlder: boolean;
  hasNewer: boolean;
  loadingOlder: boolean;
  people: Timite[];
  activity: string[];
  /** A failure that is not about one message (loading a page, creating a space), in words. */
  notice: string | undefined;
  /** The server's content limit in code points: the composer's counter and send button. */
  maxContentChars: number;
}

export interface ChatControllerOptions {
  client: ChatClient;
  me: Timite;
  store: KeyValueStore;
  /** Messages per page read from the server. @default 100 */
  pageSize?: number;
  /** Messages kept in the window. @default 300 */
  windowSize?: number;
  /** Clock, injected for tests. @default Date.now */
  now?: () => number;
  /** Makes a `clientMsgId`. @default crypto.randomUUID */
  newClientMsgId?: () => string;
}

const LAST_SPACE_KEY = 'tim.space';

/**
 * The chat screen's state and actions, free of any UI framework: it drives a `TimClient`,
 * feeds the timeline, outbox and people view-models, and tells listeners when to re-render.
 */
export class ChatController {
  readonly #client: ChatClient;
  readonly #me: Timite;
  readonly #store: KeyValueStore;
  readonly #pageSize: number;
  readonly #windowSize: number;
  readonly #now: () => number;
  readonly #newClientMsgId: () => string;
  readonly #outbox = new Outbox();
  readonly #people = new People();
  readonly #typing = new TypingThrottle();
  readonly #listeners = new Set<(view: ChatView) => void>();
  readonly #signedOutListeners = new Set<() => void>();
  readonly #unsubscribers: Array<() => void> = [];
  #sub: ChatSubscription | undefined;
  #timeline: Timeline;
  #spaces: Space[] = [];
  #spaceId: SpaceId;
  /** Bumped on every space switch, so answers for a space the reader left are dropped. */
  #generation = 0;
  #loaded = false;
  /** The page being read, one at a time. */
  #loadingPage: 'older-page' | 'newer-page' | undefined;
  #followBottom = true;
  #browserOnline = true;
  #notice: string | undefined;
  #maxContentChars: number = DEFAULT_LIMITS.messageChars;
  #disposed = false;

  constructor(options: ChatControllerOptions) {
    this.#client = options.client;
    this.#me = options.me;
    this.#store = options.store;
    this.#pageSize = options.pageSize ?? 100;
    this.#windowSize = options.windowSize ?? 300;
    this.#now = options.now ?? Date.now;
    this.#newClientMsgId = options.newClientMsgId ?? (() => crypto.randomUUID());
    this.#timeline = new Timeline({ windowSize: this.#windowSize });
    this.#spaceId = this.#store.getItem(LAST_SPACE_KEY) ?? 'main';
  }

  /** Calls `listener` with a fresh view after every change; returns the unsubscribe function. */
  onChange(listener: (view: ChatView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called when the server ends the session (logout elsewhere, expiry). */
  onSignedOut(listener: () => void): () => void {
    this.#signedOutListeners.add(listener);
    return () => this.#signedOutListeners.delete(listener);
  }

  view(): ChatView {
    const confirmed: TimelineItem[] = this.#timeline.entries.map((entry) => ({
      key: `u${entry.updateId}`,
      kind: 'message',
      updateId: entry.updateId,
      message: entry.message,
      mine: entry.message.sender.id === this.#me.id,
    }));
    const unconfirmed: TimelineItem[] = this.#timeline.hasNewer
      ? []
      : this.#outbox.itemsIn(this.#spaceId).map((item) => ({ key: `c${item.clientMsgId}`, kind: 'outbox', item }));
    return {
      me: this.#me,
      connection: this.#connectionStatus(),
      spaces: this.#spaces,
      spaceId: this.#spaceId,
      items: [...confirmed, ...unconfirmed],
      hasOlder: this.#timeline.hasOlder,
      hasNewer: this.#timeline.hasNewer,
      loadingOlder: this.#loadingPage === 'older-page',
      people: this.#people.online(),
      activity: this.#people.activityLines({ nowMs: this.#now(), myId: this.#me.id }),
      notice: this.#notice,
      maxContentChars: this.#maxContentChars,
    };
  }

  /** Connects, loads the spaces and opens the last space the reader had open. */
  async start(): Promise<void> {
    const sub = this.#client.connect();
    this.#sub = sub;
    this.#unsubscribers.push(
      sub.on('state', ({ previous, next }) => {
        if (next === 'closed' && !this.#disposed) {
          for (const listener of this.#signedOutListeners) listener();
        }
        // A space that failed to load while the server was away loads once it is back, and
        // spaces created meanwhile show up.
        if (next === 'open' && !this.#loaded) void this.openSpace(this.#spaceId);
        if (next === 'open' && previous === 'reconnecting') void this.refreshSpaces();
        this.#emit();
      }),
      sub.on('update', (update) => this.#onLiveUpdate(update)),
      sub.on('presence', (event) => {
        if (event.spaceId !== this.#spaceId) return;
        this.#people.applyPresence(event);
        this.#emit();
      }),
      sub.on('activity', (event) => {
        if (event.spaceId !== this.#spaceId) return;
        this.#people.applyActivity(event, this.#now());
        this.#emit();
      }),
    );
    void this.#readLimits();
    await this.refreshSpaces();
    const known = this.#spaces.some((space) => space.id === this.#spaceId);
    await this.openSpace(known ? this.#spaceId : 'main');
  }

  async #readLimits(): Promise<void> {
    try {
      this.#maxContentChars = (await this.#client.limits()).messageChars;
      this.#emit();
    } catch {
      // A server older than GET /limits answers 404: the protocol's default applies, which is
      // what such a server enforces.
    }
  }

  async refreshSpaces(): Promise<void> {
    try {
      this.#spaces = await this.#client.listSpaces();
    } catch (error) {
      this.#notice = `Could not load the spaces. ${describeError(error)}`;
    }
    this.#emit();
  }

  async createSpace(input: { id: string; name: string }): Promise<void> {
    const space = await this.#client.createSpace(input);
    this.#spaces = [...this.#spaces.filter((known) => known.id !== space.id), space];
    await this.openSpace(space.id);
  }

  /** Switches to a space: reads its newest page, then subscribes from there on. */
  async openSpace(spaceId: SpaceId): Promise<void> {
    const generation = ++this.#generation;
    if (spaceId !== this.#spaceId) {
      this.#sub?.unsubscribe(this.#spaceId);
      this.#timeline = new Timeline({ windowSize: this.#windowSize });
      this.#people.reset([]);
    }
    this.#spaceId = spaceId;
    this.#store.setItem(LAST_SPACE_KEY, spaceId);
    this.#loaded = false;
    this.#followBottom = true;
    this.#emit();
    try {
      await this.#loadLatest(generation);
      if (generation !== this.#generation) return;
      this.#sub?.subscribe(spaceId, { after: this.#timeline.lastId ?? 0 });
      this.#loaded = true;
      this.#notice = undefined;
      const online = await this.#client.presence(spaceId);
      if (generation !== this.#generation) return;
      this.#people.reset(online);
    } catch (error) {
      if (generation === this.#generation) this.#notice = `Could not load this space. ${describeError(error)}`;
    }
    this.#emit();
  }

  /** Loads the page before the window; the window drops its newest end past its size. */
  loadOlder(): Promise<void> {
    return this.#loadPage('older-page');
  }

  /** Loads the page after the window, when it was trimmed away from the newest messages. */
  loadNewer(): Promise<void> {
    return this.#loadPage('newer-page');
  }

  /** Replaces the window with the newest page (the "new messages" marker's action). */
  async jumpToLatest(): Promise<void> {
    const generation = this.#generation;
    this.#followBottom = true;
    try {
      await this.#loadLatest(generation);
    } catch (error) {
      this.#notice = `Could not load the newest messages. ${describeError(error)}`;
    }
    this.#emit();
  }

  /** The view reports whether the reader is at the bottom; live updates follow it only then. */
  setFollowingBottom(following: boolean): void {
    this.#followBottom = following;
  }

  setBrowserOnline(online: boolean): void {
    this.#browserOnline = online;
    this.#emit();
  }

  /** Shows the message at once as pending, then sends it. */
  async send(content: string): Promise<void> {
    const trimmed = content.trim();
    if (trimmed.length === 0) return;
    const spaceId = this.#spaceId;
    const item = this.#outbox.add({ clientMsgId: this.#newClientMsgId(), spaceId, content: trimmed });
    this.#typing.reset();
    this.#sub?.sendActivity(spaceId, 'idle');
    if (this.#timeline.hasNewer) await this.jumpToLatest();
    this.#emit();
    await this.#attempt(item);
  }

  /** Sends a failed message again under the same `clientMsgId`, so it is never stored twice. */
  async retry(clientMsgId: string): Promise<void> {
    const item = this.#outbox.retry(clientMsgId);
    if (item === undefined) return;
    this.#emit();
    await this.#attempt(item);
  }

  discard(clientMsgId: string): void {
    if (this.#outbox.discard(clientMsgId)) this.#emit();
  }

  /** A keystroke in the composer; announces `typing` at most every few seconds. */
  noteTyping(): void {
    if (this.#sub?.state === 'open' && this.#typing.shouldSend(this.#now())) {
      this.#sub.sendActivity(this.#spaceId, 'typing');
    }
  }

  /** Re-renders so expired activity notices disappear. */
  tick(): void {
    this.#emit();
  }

  async logout(): Promise<void> {
    this.dispose();
    await this.#client.logout();
  }

  dispose(): void {
    this.#disposed = true;
    for (const unsubscribe of this.#unsubscribers.splice(0)) unsubscribe();
    this.#sub?.close();
    this.#listeners.clear();
    this.#signedOutListeners.clear();
  }

  async #attempt(item: OutboxItem): Promise<void> {
    try {
      const result = await this.#client.sendMessage(item.spaceId, item.content, { clientMsgId: item.clientMsgId });
      this.#outbox.confirm(item.clientMsgId);
      if (item.spaceId === this.#spaceId) {
        const update: Update = {
          id: result.updateId,
          spaceId: item.spaceId,
          at: result.message.createdAt,
          event: { type: 'message', message: result.message },
        };
        this.#timeline.apply([update], 'live', { followBottom: true });
      }
    } catch (error) {
      this.#outbox.fail(item.clientMsgId, describeError(error));
    }
    this.#emit();
  }

  async #loadPage(source: 'older-page' | 'newer-page'): Promise<void> {
    const older = source === 'older-page';
    const edge = older ? this.#timeline.firstId : this.#timeline.lastId;
    const wanted = older ? this.#timeline.hasOlder : this.#timeline.hasNewer;
    if (this.#loadingPage !== undefined || edge === undefined || !wanted) return;
    const generation = this.#generation;
    this.#loadingPage = source;
    this.#emit();
    try {
      const range = older ? { before: edge } : { after: edge };
      const page = await this.#client.readUpdates(this.#spaceId, { ...range, limit: this.#pageSize });
      if (generation === this.#generation) this.#timeline.apply(page.updates, source, { headId: page.headId });
    } catch (error) {
      this.#notice = `Could not load ${older ? 'older' : 'newer'} messages. ${describeError(error)}`;
    } finally {
      this.#loadingPage = undefined;
      this.#emit();
    }
  }

  /**
   * Resets the window to the space's newest page. The first page answers small spaces at once
   * and tells the head id; a longer space needs a second read ending at that head.
   */
  async #loadLatest(generation: number): Promise<void> {
    const spaceId = this.#spaceId;
    let page = await this.#client.readUpdates(spaceId, { after: 0, limit: this.#pageSize });
    if (page.headId > this.#pageSize) {
      page = await this.#client.readUpdates(spaceId, { after: page.headId - this.#pageSize, limit: this.#pageSize });
    }
    if (generation === this.#generation) this.#timeline.reset(page.updates, page.headId);
  }

  #onLiveUpdate(update: Update): void {
    if (update.spaceId !== this.#spaceId || update.event.type !== 'message') return;
    const message = update.event.message;
    if (message.sender.id === this.#me.id && message.clientMsgId !== undefined) {
      this.#outbox.confirm(message.clientMsgId);
    }
    this.#people.noteMessageFrom(message.sender.id);
    this.#timeline.apply([update], 'live', { followBottom: this.#followBottom });
    this.#emit();
  }

  #connectionStatus(): ConnectionStatus {
    if (!this.#browserOnline) return 'offline';
    switch (this.#sub?.state) {
      case 'open':
        return 'connected';
      case 'reconnecting':
        return 'reconnecting';
      case 'closed':
        return 'offline';
      default:
        return 'connecting';
    }
  }

  #emit(): void {
    if (this.#disposed || this.#listeners.size === 0) return;
    const view = this.view();
    for (const listener of this.#listeners) listener(view);
  }
}
