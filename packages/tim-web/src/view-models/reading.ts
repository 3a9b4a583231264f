import type { SpaceId, TimClient, TimConnectionEvents } from '@tim/protocol';
import type { ChatSignals } from './chat-ports';
import { MentionAlerts, type DesktopNotifications, type NotificationPermissionState } from './mention-alerts';
import { newSinceKey, type LastVisit } from './new-since';
import { ReadMarks } from './read-marks';
import type { TimelineEntry } from './timeline';
import { UnreadCounts, pageTitle, type UnreadBadge } from './unread';

export interface ReadingOptions {
  client: Pick<TimClient, 'markRead' | 'getMessage'>;
  myId: number;
  signals: ChatSignals;
  /** Reads the space list (and its unread counts) again. */
  recount: () => Promise<void>;
  /** Desktop notifications for mentions; none when absent. */
  notifications?: DesktopNotifications;
  spaceName?: (spaceId: SpaceId) => string;
  /** Opens a space (a notification was clicked). */
  openSpace?: (spaceId: SpaceId) => void;
  /** How long read marks gather before they are sent, in ms. @default 500 */
  markDelayMs?: number;
  /** How long a recount waits for others to join it, in ms. @default 300 */
  recountDelayMs?: number;
}

type UnreadEventName = 'unread_subscribed' | 'space_activity' | 'read_marker' | 'space_added';

/** What to do with each event of the unread feed (`TimConnection.watchUnread`). */
export type UnreadHandlers = { [K in UnreadEventName]: (payload: TimConnectionEvents[K]) => void };

/** What `Reading` needs to know of the open space. */
export interface OpenSpaceState {
  spaceId: SpaceId;
  isLoaded: boolean;
  history: { lastId: number | undefined; hasNewer: boolean; followingBottom: boolean };
}

/**
 * What the reader has read: unread counts per space kept live by the unread feed, the open
 * space marked read while its newest message is on screen and the reader is looking, the line
 * above what is new since their last visit, the page title, and desktop notifications for
 * mentions while they look elsewhere.
 */
export class Reading {
  readonly unread: UnreadCounts;
  readonly #marks: ReadMarks;
  readonly #alerts: MentionAlerts | undefined;
  readonly #notifications: DesktopNotifications | undefined;
  readonly #signals: ChatSignals;
  readonly #recount: () => Promise<void>;
  readonly #recountDelayMs: number;
  readonly #myId: number;
  #recountTimer: ReturnType<typeof setTimeout> | undefined;
  #subscribedBefore = false;
  /** The page is on screen and has the focus. */
  #attentive = true;
  #visit: LastVisit | undefined;
  /** What `badges` and `title` answered, kept while the counts stay the same: the sidebar then renders nothing new. */
  #shown: { version: number; openSpaceId: SpaceId; badges: Map<SpaceId, UnreadBadge>; title: string } | undefined;

  constructor(options: ReadingOptions) {
    this.#myId = options.myId;
    this.unread = new UnreadCounts({ myId: options.myId });
    this.#marks = new ReadMarks({ client: options.client, delayMs: options.markDelayMs });
    this.#signals = options.signals;
    this.#recount = options.recount;
    this.#recountDelayMs = options.recountDelayMs ?? 300;
    this.#notifications = options.notifications;
    const { notifications, spaceName = (id) => id, openSpace = () => undefined } = options;
    this.#alerts =
      notifications === undefined
        ? undefined
        : new MentionAlerts({ client: options.client, notifications, spaceName, onOpen: openSpace });
  }

  /** The unread feed's events. */
  handlers(): UnreadHandlers {
    return {
      // What happened while the feed was away is not replayed: the server counts again (the
      // first time, the listing that starts the chat does).
      unread_subscribed: () => {
        if (this.#subscribedBefore) this.#scheduleRecount();
        this.#subscribedBefore = true;
      },
      space_activity: (frame) => {
        if (this.unread.applyActivity(frame)) void this.#alerts?.noteMention(frame);
        this.#signals.changed();
      },
      read_marker: (frame) => {
        if (this.unread.applyReadMarker(frame) === 'recount') this.#scheduleRecount();
        this.#signals.changed();
      },
      // Someone invited the reader or opened a direct message with them: the list shows it now.
      space_added: () => this.#scheduleRecount(),
    };
  }

  /**
   * Runs `listing` (a read of the space list, which replaces the counts of the spaces it lists).
   * A message counted live while it ran may be missing from its counts, so then the spaces are
   * read once more.
   */
  async listing(listing: () => Promise<void>, options: { followUp?: boolean } = {}): Promise<void> {
    const before = this.unread.counted;
    await listing();
    if (this.unread.counted !== before && options.followUp !== true) this.#scheduleRecount({ followUp: true });
  }

  /**
   * The reader opens `spaceId`: its counts show while it is open, listed or not, and where they
   * had read to is kept for the "new since" line, unless it is open already.
   */
  noteOpening(spaceId: SpaceId): void {
    this.unread.setOpen(spaceId);
    if (this.#visit?.spaceId === spaceId) return;
    this.#visit = { spaceId, readUpTo: this.unread.readUpTo(spaceId) ?? 0, upTo: 0 };
  }

  /** The space's messages are read up to `lastId`: what is new since the last visit ends there. */
  noteOpened(spaceId: SpaceId, lastId: number | undefined): void {
    if (this.#visit?.spaceId === spaceId && this.#visit.upTo === 0) this.#visit.upTo = lastId ?? 0;
  }

  /** The page is on screen and focused (or not). A reader looking away sends what they read at once: the page may be closing. */
  setAttentive(attentive: boolean): void {
    this.#attentive = attentive;
    if (!attentive) void this.#marks.flush();
  }

  /**
   * Marks the open space read when the reader can see its newest message: loaded, scrolled to
   * the bottom of a window that reaches the newest, the page on screen and focused.
   */
  update(open: OpenSpaceState): void {
    if (!this.#attentive || !open.isLoaded || !this.unread.supported) return;
    const { lastId, hasNewer, followingBottom } = open.history;
    if (lastId === undefined || hasNewer || !followingBottom) return;
    if (this.unread.markRead(open.spaceId, lastId, { atHead: true })) this.#marks.mark(open.spaceId, lastId);
  }

  /** The badges of the spaces with something unread, except the open one (the reader is there). */
  badges(openSpaceId: SpaceId): Map<SpaceId, UnreadBadge> {
    return this.#shownFor(openSpaceId).badges;
  }

  title(): string {
    return this.#shownFor(this.#shown?.openSpaceId ?? '').title;
  }

  /** The item the "New since your last visit" line goes above, in the open space's window. */
  newSinceKey(spaceId: SpaceId, entries: readonly TimelineEntry[]): string | undefined {
    return this.#visit?.spaceId === spaceId ? newSinceKey(entries, this.#visit, this.#myId) : undefined;
  }

  notificationPermission(): NotificationPermissionState {
    return this.#notifications?.permission() ?? 'unsupported';
  }

  /** Asks the reader for permission to notify; call from a click. */
  async enableNotifications(): Promise<void> {
    await this.#notifications?.requestPermission();
    this.#signals.changed();
  }

  dispose(): void {
    if (this.#recountTimer !== undefined) clearTimeout(this.#recountTimer);
    this.#recountTimer = undefined;
    void this.#marks.flush().finally(() => this.#marks.dispose());
  }

  #shownFor(openSpaceId: SpaceId): { badges: Map<SpaceId, UnreadBadge>; title: string } {
    const version = this.unread.version;
    if (this.#shown?.version === version && this.#shown.openSpaceId === openSpaceId) return this.#shown;
    let badges = this.unread.badges();
    badges.delete(openSpaceId);
    // A message read at once in the open space changes counts, and back: the same badges show.
    if (this.#shown !== undefined && sameBadges(this.#shown.badges, badges)) badges = this.#shown.badges;
    this.#shown = { version, openSpaceId, badges, title: pageTitle(this.unread.totals(), this.unread.cap) };
    return this.#shown;
  }

  #scheduleRecount(options: { followUp?: boolean } = {}): void {
    if (this.#recountTimer !== undefined) return;
    this.#recountTimer = setTimeout(() => {
      this.#recountTimer = undefined;
      void this.listing(this.#recount, options);
    }, this.#recountDelayMs);
  }
}

function sameBadges(a: ReadonlyMap<SpaceId, UnreadBadge>, b: ReadonlyMap<SpaceId, UnreadBadge>): boolean {
  if (a.size !== b.size) return false;
  for (const [spaceId, badge] of a) {
    const other = b.get(spaceId);
    if (other?.messages !== badge.messages || other.mentions !== badge.mentions) return false;
  }
  return true;
}
