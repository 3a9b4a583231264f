import type { Message, SpaceId, Update } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';
import { describeError } from './error-words';
import type { CallEntry } from './ability-calls';
import { Timeline, type TimelineEntry } from './timeline';

export interface SpaceHistoryOptions {
  client: Pick<ChatClient, 'readUpdates'>;
  spaceId: SpaceId;
  /** Messages per page read from the server. @default 100 */
  pageSize?: number;
  /** Messages kept in the window. @default 300 */
  windowSize?: number;
  signals: ChatSignals;
}

type PageSource = 'older-page' | 'newer-page';

/**
 * One space's messages as the reader pages through them: a bounded `Timeline` window filled
 * by pages read over HTTP and by live updates.
 *
 * One page is read at a time. A page answered after `restart` or `close` is dropped, so an
 * answer for a load the reader started over, or for a space they left, changes nothing.
 */
export class SpaceHistory {
  readonly spaceId: SpaceId;
  readonly #client: Pick<ChatClient, 'readUpdates'>;
  readonly #signals: ChatSignals;
  readonly #pageSize: number;
  readonly #timeline: Timeline;
  /** Bumped by `restart` and `close`; a page read under an older value is dropped. */
  #epoch = 0;
  #closed = false;
  #loadingPage: PageSource | undefined;
  #followBottom = true;

  constructor(options: SpaceHistoryOptions) {
    this.spaceId = options.spaceId;
    this.#client = options.client;
    this.#signals = options.signals;
    this.#pageSize = options.pageSize ?? 100;
    this.#timeline = new Timeline({ windowSize: options.windowSize ?? 300 });
  }

  get entries(): readonly TimelineEntry[] {
    return this.#timeline.entries;
  }

  /** The ability calls in the window, with their outcomes. */
  get calls(): readonly CallEntry[] {
    return this.#timeline.calls;
  }

  get lastId(): number | undefined {
    return this.#timeline.lastId;
  }

  get hasOlder(): boolean {
    return this.#timeline.hasOlder;
  }

  /** The window was trimmed away from the newest messages. */
  get hasNewer(): boolean {
    return this.#timeline.hasNewer;
  }

  /** Live messages past the window's end, which the reader has not seen. */
  get missedNewer(): number {
    return this.#timeline.missedNewer;
  }

  get loadingOlder(): boolean {
    return this.#loadingPage === 'older-page';
  }

  /** Starts over (the space opened again): pages on their way are dropped, live updates follow the bottom. */
  restart(): void {
    this.#epoch += 1;
    this.#followBottom = true;
  }

  /** The reader left the space: nothing read from now on is applied or reported. */
  close(): void {
    this.#closed = true;
    this.#epoch += 1;
  }

  /**
   * Resets the window to the space's newest page. The first page answers small spaces at once
   * and tells the head id; a longer space needs a second read ending at that head.
   */
  async loadLatest(): Promise<void> {
    const epoch = this.#epoch;
    let page = await this.#client.readUpdates(this.spaceId, { after: 0, limit: this.#pageSize });
    if (page.headId > this.#pageSize) {
      page = await this.#client.readUpdates(this.spaceId, {
        after: page.headId - this.#pageSize,
        limit: this.#pageSize,
      });
    }
    if (epoch === this.#epoch) this.#timeline.reset(page.updates, page.headId);
  }

  /**
   * Resets the window to the messages around update `updateId` (a search result, a quoted
   * message): half a page up to it, half a page after it. Scrolling down then pages forward to
   * the newest; live updates do not move the window until the reader is at the bottom.
   */
  async loadAround(updateId: number): Promise<void> {
    const epoch = this.#epoch;
    const half = Math.max(1, Math.floor(this.#pageSize / 2));
    const [older, newer] = await Promise.all([
      this.#client.readUpdates(this.spaceId, { before: updateId + 1, limit: half }),
      this.#client.readUpdates(this.spaceId, { after: updateId, limit: half }),
    ]);
    if (epoch !== this.#epoch) return;
    const headId = Math.max(older.headId, newer.headId);
    const last = newer.updates[newer.updates.length - 1]?.id ?? updateId;
    this.#followBottom = false;
    this.#timeline.reset([...older.updates, ...newer.updates], headId, { atHead: last >= headId });
  }

  /** The newest update id the space is known to have. */
  get headId(): number {
    return this.#timeline.headId;
  }

  /** The reader is at the bottom (as the view last said), so live updates follow it. */
  get followingBottom(): boolean {
    return this.#followBottom;
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
    this.#followBottom = true;
    try {
      await this.loadLatest();
    } catch (error) {
      this.#report(`Could not load the newest messages. ${describeError(error)}`);
    }
    this.#signals.changed();
  }

  /** The view reports whether the reader is at the bottom; live updates follow it only then. */
  setFollowingBottom(following: boolean): void {
    this.#followBottom = following;
  }

  /** The entry of message `messageId`, when the window holds it. */
  entryOf(messageId: number): TimelineEntry | undefined {
    return this.#timeline.entryOf(messageId);
  }

  /** Shows `message` as the answer to the reader's own change (stored as update `asOf`) tells it. */
  refresh(message: Message, asOf: number): boolean {
    return this.#timeline.refresh(message, asOf);
  }

  /** An update from the live connection (a new message, or a change to one). */
  applyLive(update: Update): void {
    this.#timeline.apply([update], 'live', { followBottom: this.#followBottom });
  }

  /** The server's answer to the reader's own send: they want to see it, wherever they were. */
  applyOwn(update: Update): void {
    this.#timeline.apply([update], 'live', { followBottom: true });
  }

  async #loadPage(source: PageSource): Promise<void> {
    const older = source === 'older-page';
    const edge = older ? this.#timeline.firstId : this.#timeline.lastId;
    const wanted = older ? this.#timeline.hasOlder : this.#timeline.hasNewer;
    if (this.#loadingPage !== undefined || edge === undefined || !wanted) return;
    const epoch = this.#epoch;
    this.#loadingPage = source;
    this.#signals.changed();
    try {
      const range = older ? { before: edge } : { after: edge };
      const page = await this.#client.readUpdates(this.spaceId, { ...range, limit: this.#pageSize });
      if (epoch === this.#epoch) this.#timeline.apply(page.updates, source, { headId: page.headId });
    } catch (error) {
      this.#report(`Could not load ${older ? 'older' : 'newer'} messages. ${describeError(error)}`);
    } finally {
      this.#loadingPage = undefined;
      this.#signals.changed();
    }
  }

  #report(text: string): void {
    if (!this.#closed) this.#signals.notice(text);
  }
}
