import {
  DEFAULT_LIMITS,
  MAIN_SPACE_ID,
  TimClientError,
  type ActivityEvent,
  type PresenceEvent,
  type Space,
  type SpaceId,
  type SpaceListing,
  type SpaceVisibility,
  type StateChange,
  type StreamEndEvent,
  type StreamEvent,
  type Timite,
  type JsonValue,
  type Update,
} from '@tim/protocol';
import { SpaceAbilities, type OfferedAbility } from './abilities-in-space';
import type { ChatClient, ChatSignals } from './chat-ports';
import { timelineItems, type ChatView } from './chat-view';
import { connectionStatus } from './connection-status';
import { describeError } from './error-words';
import { refusalOfCall } from './slash-command';
import { entryKey } from './item-keys';
import type { KeyValueStore } from './key-value-store';
import { KnownTimites } from './known-timites';
import { LiveLink } from './live-link';
import { MessageActions } from './message-actions';
import type { DesktopNotifications } from './mention-alerts';
import { MessageSender } from './message-sender';
import { entryAt } from './new-since';
import { OpenSpace, type LoadOutcome } from './open-space';
import { ReplyQuotes } from './reply-target';
import { Reading } from './reading';
import { SpaceHistory } from './space-history';
import { SpaceList } from './space-list';
import { TypingAnnouncer } from './typing';

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
  /** Time a send has to be answered before it shows as not sent, in ms. @default 15000 */
  sendTimeoutMs?: number;
  /** Desktop notifications for mentions while the page is hidden; none when absent. */
  notifications?: DesktopNotifications;
}

/**
 * The chat screen's state and actions, free of any UI framework. It connects, hands what the
 * connection delivers to the open space and the outbox, and tells listeners when to render
 * again; the space list, the open space, the sender and the typing announcer do the work.
 */
export class ChatController {
  readonly #client: ChatClient;
  readonly #me: Timite;
  readonly #now: () => number;
  readonly #paging: { pageSize?: number; windowSize?: number };
  readonly #listeners = new Set<(view: ChatView) => void>();
  readonly #signedOutListeners = new Set<() => void>();
  readonly #signals: ChatSignals = {
    changed: () => this.#emit(),
    notice: (text) => (this.#notice = text),
  };
  readonly #link: LiveLink;
  readonly #spaces: SpaceList;
  readonly #sender: MessageSender;
  readonly #typing: TypingAnnouncer;
  readonly #known = new KnownTimites();
  readonly #actions: MessageActions;
  readonly #quotes: ReplyQuotes;
  readonly #reading: Reading;
  readonly #abilities: SpaceAbilities;
  #open: OpenSpace;
  /** The message opened in context (`openMessage`), highlighted; `seq` counts the openings. */
  #focus: { spaceId: SpaceId; updateId: number; seq: number } | undefined;
  #focusSeq = 0;
  /** The message the composer's next send answers, in the open space. */
  #replyTo: number | undefined;
  #browserOnline = true;
  #notice: string | undefined;
  #maxContentChars: number = DEFAULT_LIMITS.messageChars;
  #disposed = false;
  /**
   * The space `start` opens, until a load of it (or of another space) ends: when it turns out
   * gone, main opens instead. A load can be overtaken by another of the same space (the
   * connection opened meanwhile), whose end then counts.
   */
  #startingIn: SpaceId | undefined;

  constructor(options: ChatControllerOptions) {
    this.#client = options.client;
    this.#me = options.me;
    this.#now = options.now ?? Date.now;
    this.#paging = { pageSize: options.pageSize, windowSize: options.windowSize };
    this.#link = new LiveLink(options.client);
    this.#reading = new Reading({
      client: options.client,
      myId: options.me.id,
      signals: this.#signals,
      recount: () => this.#spaces.refresh(),
      notifications: options.notifications,
      spaceName: (spaceId) => this.#spaces.nameOf(spaceId),
      openSpace: (spaceId) => void this.openSpace(spaceId),
    });
    this.#spaces = new SpaceList({
      client: options.client,
      store: options.store,
      signals: this.#signals,
      unread: this.#reading.unread,
    });
    this.#sender = new MessageSender({
      client: options.client,
      signals: this.#signals,
      onStored: (update) => {
        if (update.spaceId === this.#open.spaceId) this.#open.history.applyOwn(update);
      },
      newClientMsgId: options.newClientMsgId,
      persistence: { store: options.store, key: `tim.outbox.${options.me.id}` },
      sendTimeoutMs: options.sendTimeoutMs,
    });
    this.#typing = new TypingAnnouncer({ frames: this.#link, now: this.#now });
    this.#actions = new MessageActions({
      client: options.client,
      signals: this.#signals,
      onChanged: (spaceId, message, updateId) => {
        if (spaceId === this.#open.spaceId && this.#open.history.refresh(message, updateId)) this.#emit();
      },
    });
    this.#quotes = new ReplyQuotes({ client: options.client, signals: this.#signals });
    this.#abilities = new SpaceAbilities({ client: options.client, signals: this.#signals });
    this.#known.note(options.me);
    this.#open = this.#createOpenSpace(this.#spaces.lastOpenedId);
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
    const { history, presence, growing, spaceId } = this.#open;
    const people = presence.online();
    // Who stopped a stream: met this session, here now, or a sender in the window.
    const nickOf = (id: number): string | undefined =>
      this.#known.nick(id) ??
      people.find((timite) => timite.id === id)?.nick ??
      history.entries.find((entry) => entry.message.sender.id === id)?.message.sender.nick;
    const quoteOf = (messageId: number) => this.#quotes.quote(spaceId, messageId, history.entryOf(messageId)?.message);
    return {
      me: this.#me,
      connection: connectionStatus(this.#link.state, { browserOnline: this.#browserOnline }),
      spaces: this.#spaces.spaces,
      moreSpaces: this.#spaces.hasMore,
      previewing: this.#previewing(),
      spaceId,
      items: timelineItems({
        entries: history.entries,
        pending: this.#sender.pendingIn(spaceId),
        growing: growing.shown(),
        hasNewer: history.hasNewer,
        myId: this.#me.id,
        nickOf,
        quoteOf,
        calls: history.calls,
      }),
      hasOlder: history.hasOlder,
      hasNewer: history.hasNewer,
      missedNewer: history.missedNewer,
      loadingOlder: history.loadingOlder,
      people,
      activity: this.#open.activityLines({ nowMs: this.#now(), myId: this.#me.id }),
      notice: this.#notice,
      maxContentChars: this.#maxContentChars,
      replyingTo: this.#replyTo === undefined ? undefined : quoteOf(this.#replyTo),
      unread: this.#reading.badges(spaceId),
      title: this.#reading.title(),
      newSinceKey: this.#reading.newSinceKey(spaceId, history.entries),
      focusKey: this.#focusKey(),
      focusSeq: this.#focus?.seq ?? 0,
      notifications: this.#reading.notificationPermission(),
      abilities: this.#abilities.offered,
    };
  }

  /**
   * Connects, loads the spaces and opens the last space the reader had open, listed or not
   * (a public space they previewed); `main` when they may no longer read it.
   */
  async start(): Promise<void> {
    this.#link.connect({
      state: (change) => this.#onState(change),
      update: (update) => this.#onUpdate(update),
      presence: (event) => this.#onPresence(event),
      activity: (event) => this.#onActivity(event),
      stream: (event) => this.#onStream(event),
      stream_end: (event) => this.#onStream(event),
      abilities: (event) => {
        if (this.#abilities.apply(event)) this.#emit();
      },
      unsubscribed: (event) => {
        if (event.reason === 'removed') void this.#onRemoved(event.spaceId);
      },
    });
    this.#link.watchUnread(this.#reading.handlers());
    void this.#readLimits();
    await this.#reading.listing(() => this.#spaces.refresh());
    this.#startingIn = this.#open.spaceId;
    await this.openSpace(this.#open.spaceId);
  }

  refreshSpaces(): Promise<void> {
    return this.#spaces.refresh();
  }

  /** Lists the next page of spaces. */
  loadMoreSpaces(): Promise<void> {
    return this.#spaces.loadMore();
  }

  async createSpace(input: { id: string; name: string; visibility?: SpaceVisibility }): Promise<void> {
    const space = await this.#spaces.create(input);
    await this.openSpace(space.id);
  }

  /** Opens the direct message with these nicks (the same people, the same space); a failure is thrown for the form. */
  async openDm(nicks: string[]): Promise<void> {
    const space = await this.#spaces.openDm(nicks);
    await this.openSpace(space.id);
  }

  /**
   * Joins a public space (the reader picked it in the browser) and lists it; a failure is
   * thrown for the panel that asked.
   */
  joinSpace(space: Space): Promise<void> {
    return this.#spaces.join(space);
  }

  /** Joins the open space the reader previews ("Join" in its header); a failure shows as the notice. */
  async joinOpenSpace(): Promise<void> {
    const previewing = this.#previewing();
    if (previewing !== undefined) await this.#joinOrSay(previewing);
  }

  /**
   * Switches to a space (or loads the open one again): reads its newest page (or the messages
   * around update `around`), then subscribes from there on. `listing`: what a listing told of
   * the space (the space browser's result), so whether the reader is a member is known at once.
   */
  async openSpace(spaceId: SpaceId, options: { around?: number; listing?: SpaceListing } = {}): Promise<void> {
    if (options.around === undefined) this.#focus = undefined;
    if (spaceId !== this.#open.spaceId) {
      this.#open.close();
      this.#open = this.#createOpenSpace(spaceId);
      this.#replyTo = undefined;
    }
    void this.#abilities.open(spaceId);
    this.#reading.noteOpening(spaceId);
    this.#spaces.noteOpened(spaceId);
    const membership = this.#spaces.noteOpening(spaceId, options.listing);
    const outcome = await this.#open.load({ around: options.around });
    await membership;
    this.#reading.noteOpened(spaceId, this.#open.history.headId);
    this.#emit();
    // A message whose answer was lost (the page closed, the send timed out) may be among
    // those just read: it arrived, so it leaves the outbox.
    this.#sender.confirmStored(this.#open.history.entries.filter((entry) => entry.message.sender.id === this.#me.id));
    if (this.#startingIn !== undefined && outcome.outcome !== 'superseded') {
      const startingIn = this.#startingIn;
      this.#startingIn = undefined;
      if (startingIn === spaceId && spaceId !== MAIN_SPACE_ID && isGone(outcome)) await this.openSpace(MAIN_SPACE_ID);
    }
  }

  /**
   * Opens a space at one of its messages (a search result, a quoted message): the messages
   * around it, it highlighted and scrolled to; scrolling down pages on to the newest. Without
   * `updateId`, the server tells it.
   */
  async openMessage(spaceId: SpaceId, messageId: number, updateId?: number): Promise<void> {
    let at = updateId;
    if (at === undefined) {
      try {
        at = (await this.#client.getMessage(spaceId, messageId)).updateId;
      } catch (error) {
        this.#notice = `Could not open that message. ${describeError(error)}`;
        this.#emit();
        return;
      }
    }
    this.#focus = { spaceId, updateId: at, seq: ++this.#focusSeq };
    await this.openSpace(spaceId, { around: at });
  }

  /** Opens the open space at an ability call (from its outcome's line), the call's card highlighted. */
  async openCall(callId: number): Promise<void> {
    const { spaceId } = this.#open;
    this.#focus = { spaceId, updateId: callId, seq: ++this.#focusSeq };
    await this.openSpace(spaceId, { around: callId });
  }

  /** The page is on screen and focused, so the reader sees what the open space shows. */
  setAttention(attentive: boolean): void {
    this.#reading.setAttentive(attentive);
    this.#emit();
  }

  /** Asks for permission to show desktop notifications; call from a click, never on load. */
  enableNotifications(): Promise<void> {
    return this.#reading.enableNotifications();
  }

  loadOlder(): Promise<void> {
    return this.#open.history.loadOlder();
  }

  loadNewer(): Promise<void> {
    return this.#open.history.loadNewer();
  }

  jumpToLatest(): Promise<void> {
    return this.#open.history.jumpToLatest();
  }

  setFollowingBottom(following: boolean): void {
    this.#open.history.setFollowingBottom(following);
    this.#reading.update(this.#open);
  }

  setBrowserOnline(online: boolean): void {
    this.#browserOnline = online;
    this.#emit();
  }

  /** Shows the message at once as pending, then sends it (as a reply, when the composer answers a message). */
  async send(content: string): Promise<void> {
    const trimmed = content.trim();
    if (trimmed.length === 0) return;
    const { spaceId, history } = this.#open;
    const item = this.#sender.queue(spaceId, trimmed, this.#replyTo);
    this.#replyTo = undefined;
    this.#typing.stop(spaceId);
    // The reader wants to see what they sent, so a window scrolled back through history
    // jumps to the newest messages first.
    if (history.hasNewer) await history.jumpToLatest();
    this.#emit();
    // Posting in a previewed public space makes it the reader's: it joins their list first.
    const previewing = this.#previewing();
    if (previewing?.id === spaceId) await this.#joinOrSay(previewing);
    await this.#sender.attempt(item);
  }

  /**
   * Calls an ability in the open space (the composer's slash command); the call's card shows at
   * once. Answers the refusal in words (the ability is gone, arguments that do not fit its
   * schema, too many calls), or undefined when the call was made.
   */
  async callAbility(offered: OfferedAbility, args: Record<string, JsonValue>): Promise<string | undefined> {
    const { spaceId, history } = this.#open;
    try {
      const { call, updateId } = await this.#client.callAbility(spaceId, {
        target: offered.timite.id,
        ability: offered.ability.name,
        arguments: args,
      });
      if (history === this.#open.history) {
        if (history.hasNewer) await history.jumpToLatest();
        history.applyOwn({ id: updateId, spaceId, at: new Date(this.#now()).toISOString(), event: call });
        this.#emit();
      }
      return undefined;
    } catch (error) {
      return refusalOfCall(offered, error);
    }
  }

  /** Sends a failed message again under the same `clientMsgId`, so it is never stored twice. */
  retry(clientMsgId: string): Promise<void> {
    return this.#sender.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.#sender.discard(clientMsgId);
  }

  /** The composer's next message answers message `messageId` of the open space. */
  replyTo(messageId: number): void {
    this.#replyTo = messageId;
    this.#emit();
  }

  cancelReply(): void {
    this.#replyTo = undefined;
    this.#emit();
  }

  /** Saves new content for one of the reader's messages; false when it failed (a notice says why). */
  editMessage(messageId: number, content: string): Promise<boolean> {
    return this.#actions.edit(this.#open.spaceId, messageId, content);
  }

  /** Deletes one of the reader's messages for everyone. */
  deleteMessage(messageId: number): Promise<boolean> {
    return this.#actions.delete(this.#open.spaceId, messageId);
  }

  /** Adds the reader's reaction `emoji` to a message of the open space, or takes it back. */
  async toggleReaction(messageId: number, emoji: string): Promise<void> {
    const message = this.#open.history.entryOf(messageId)?.message;
    if (message !== undefined) await this.#actions.toggleReaction(this.#open.spaceId, message, emoji, this.#me.id);
  }

  /** The reader's newest message in the window that can still be edited (ArrowUp in an empty composer). */
  lastOwnMessageId(): number | undefined {
    const { entries } = this.#open.history;
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const { message } = entries[index] as (typeof entries)[number];
      if (message.sender.id === this.#me.id && message.deletedAt === undefined) return message.id;
    }
    return undefined;
  }

  /** Stops a message someone is writing in the open space (a human stops an agent's reply). */
  stopStream(streamId: string): void {
    if (!this.#open.stopStream(streamId))
      this.#notice = 'Could not stop that reply: not connected. Try again in a moment.';
    this.#emit();
  }

  /** A keystroke in the composer; announces `typing` at most every few seconds. */
  noteTyping(): void {
    this.#typing.noteTyping(this.#open.spaceId);
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
    this.#reading.dispose();
    this.#link.close();
    this.#listeners.clear();
    this.#signedOutListeners.clear();
  }

  /**
   * The key of the item of the message opened in context, once the window around it is read
   * (the window before it may hold the message too, elsewhere) and while it holds it.
   */
  #focusKey(): string | undefined {
    const focus = this.#focus;
    if (focus === undefined || focus.spaceId !== this.#open.spaceId || !this.#open.isLoaded) return undefined;
    const entry = entryAt(this.#open.history.entries, focus.updateId);
    if (entry !== undefined) return entryKey(entry);
    const call = this.#open.history.calls.find((each) => each.updateId === focus.updateId && each.call !== undefined);
    return call === undefined ? undefined : `u${call.updateId}`;
  }

  #createOpenSpace(spaceId: SpaceId): OpenSpace {
    const history = new SpaceHistory({ client: this.#client, spaceId, signals: this.#signals, ...this.#paging });
    return new OpenSpace({ history, client: this.#client, frames: this.#link, signals: this.#signals });
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

  /** The open space when the reader previews it (not a member of it). */
  #previewing(): Space | undefined {
    const previewing = this.#spaces.previewing;
    return previewing?.id === this.#open.spaceId ? previewing : undefined;
  }

  async #joinOrSay(space: Space): Promise<void> {
    try {
      await this.#spaces.join(space);
    } catch (error) {
      this.#notice = `Could not join #${space.name}. ${describeError(error)}`;
      this.#emit();
    }
  }

  /** The server ended the reader's subscription because they lost the space: it leaves the list, main opens instead. */
  async #onRemoved(spaceId: SpaceId): Promise<void> {
    const name = this.#spaces.nameOf(spaceId);
    this.#spaces.remove(spaceId);
    const wasOpen = this.#open.spaceId === spaceId;
    if (wasOpen) await this.openSpace('main');
    this.#notice = `You were removed from #${name}.`;
    this.#emit();
  }

  #onState({ previous, next }: StateChange): void {
    if (next === 'closed' && !this.#disposed) {
      for (const listener of this.#signedOutListeners) listener();
    }
    // A space that failed to load while the server was away loads once it is back, and
    // spaces created meanwhile show up.
    if (next === 'open' && !this.#open.isLoaded) void this.openSpace(this.#open.spaceId);
    if (next === 'open' && previous === 'reconnecting') {
      this.#open.growing.restart();
      void this.refreshSpaces();
    }
    this.#emit();
  }

  #onUpdate(update: Update): void {
    if (update.spaceId !== this.#open.spaceId) return;
    this.#quotes.apply(update);
    if (update.event.type !== 'message') {
      if (update.event.type === 'reaction') this.#known.note(update.event.timite);
      this.#open.applyUpdate(update);
      this.#emit();
      return;
    }
    const { message } = update.event;
    this.#known.note(message.sender);
    if (message.sender.id === this.#me.id && message.clientMsgId !== undefined) {
      this.#sender.confirm(message.clientMsgId);
    }
    this.#open.applyUpdate(update);
    this.#emit();
  }

  #onPresence(event: PresenceEvent): void {
    if (event.spaceId !== this.#open.spaceId) return;
    this.#known.note(event.timite);
    this.#open.applyPresence(event);
    this.#emit();
  }

  #onActivity(event: ActivityEvent): void {
    if (event.spaceId !== this.#open.spaceId) return;
    this.#open.applyActivity(event, this.#now());
    this.#emit();
  }

  #onStream(event: StreamEvent | StreamEndEvent): void {
    if (event.spaceId !== this.#open.spaceId) return;
    this.#known.note(event.author);
    if (event.type === 'stream_end' && event.stoppedBy !== undefined) this.#known.note(event.stoppedBy);
    if (this.#open.applyStream(event)) this.#emit();
  }

  #emit(): void {
    if (this.#disposed) return;
    this.#reading.update(this.#open);
    if (this.#listeners.size === 0) return;
    const view = this.view();
    for (const listener of this.#listeners) listener(view);
  }
}

/** The space could not be opened because it is not there for the reader (never was, or no longer readable). */
function isGone(opened: LoadOutcome): boolean {
  return (
    opened.outcome === 'failed' &&
    opened.error instanceof TimClientError &&
    (opened.error.code === 'not_found' || opened.error.code === 'forbidden')
  );
}
