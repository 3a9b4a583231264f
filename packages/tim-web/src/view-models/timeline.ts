import type { Message, Update } from '@tim/protocol';
import { AbilityCalls, type CallEntry } from './ability-calls';
import { MessageIndex } from './message-index';

/** One message in the window, keyed by the space's update id. */
export interface TimelineEntry {
  updateId: number;
  message: Message;
}

export interface TimelineOptions {
  /** Most messages kept in memory (and in the DOM). @default 300 */
  windowSize?: number;
}

/** Where a batch of updates came from, which decides what the window may drop. */
export type UpdateSource = 'live' | 'older-page' | 'newer-page';

/**
 * A bounded, ordered window onto a space's timeline.
 *
 * Entries are sorted by update id without duplicates, whatever order pages, live updates and
 * HTTP confirmations arrive in. The window never holds more than `windowSize` entries: loading
 * an older page drops the newest end, and a live update drops the oldest end when the reader
 * follows the bottom, else the newest end (the window then no longer reaches the head, and
 * `hasNewer` tells the view to offer a way down).
 */
export class Timeline {
  readonly windowSize: number;
  #entries: TimelineEntry[] = [];
  /** True while the window's last entry is the space's newest update. */
  #atHead = true;
  /** Newest update id the space is known to have. */
  #headId = 0;
  /** Ids of live messages that arrived while the window did not reach the head, so never shown. */
  #missedLive = new Set<number>();
  /**
   * The update ids the window has read, from first to last. Edits, deletes and reactions are
   * updates too but not entries, so a page may end (or consist) of them: paging goes on from
   * what was read, not from the entries.
   */
  #read: { first: number; last: number } | undefined;
  readonly #messages = new MessageIndex();
  /** Ability calls read into the window, with their outcomes; shown among the messages by update id. */
  readonly #calls = new AbilityCalls();

  constructor(options: TimelineOptions = {}) {
    this.windowSize = options.windowSize ?? 300;
  }

  get entries(): readonly TimelineEntry[] {
    return this.#entries;
  }

  /** The ability calls within the update ids the window has read, by update id. */
  get calls(): readonly CallEntry[] {
    return this.#calls.entries;
  }

  get headId(): number {
    return this.#headId;
  }

  /** The first update id read into the window. */
  get firstId(): number | undefined {
    return this.#read?.first;
  }

  /** The last update id read into the window. */
  get lastId(): number | undefined {
    return this.#read?.last;
  }

  /** The entry of message `messageId`, when the window holds it. */
  entryOf(messageId: number): TimelineEntry | undefined {
    return this.#messages.find(this.#entries, messageId);
  }

  /**
   * Shows `message` as a change's HTTP answer tells it (the reader's own edit, delete or
   * reaction, stored as update `asOf`), unless the window shows a newer state already.
   */
  refresh(message: Message, asOf: number): boolean {
    return this.#messages.refresh(this.#entries, message, asOf);
  }

  /** Older updates exist before the window (ids start at 1 with no gaps). */
  get hasOlder(): boolean {
    const first = this.firstId;
    return first !== undefined && first > 1;
  }

  /** Newer updates exist after the window. */
  get hasNewer(): boolean {
    return !this.#atHead;
  }

  /**
   * Live messages newer than the window's end: they arrived while the reader was reading back
   * and the window was full, so only a count can tell of them. Paging forward shows them.
   */
  get missedNewer(): number {
    const last = this.lastId ?? 0;
    let count = 0;
    for (const id of this.#missedLive) if (id > last) count += 1;
    return count;
  }

  /**
   * Replaces the window with a page of a space: its newest, unless `atHead` is false (a page
   * around a message found by search, which pages forward from there).
   */
  reset(updates: readonly Update[], headId: number, options: { atHead?: boolean } = {}): void {
    this.#entries = [];
    this.#missedLive.clear();
    this.#atHead = options.atHead ?? true;
    this.#headId = headId;
    this.#read = undefined;
    this.#messages.clear();
    this.#calls.clear();
    this.#merge(updates, 'newer-page');
    this.#noteRead(updates, 'newer-page');
    this.#trim('oldest');
    this.#keepCallsInWindow();
  }

  /**
   * Merges a batch into the window and returns how many entries were new.
   * `followBottom` says the reader is at the bottom, so a live batch may drop the oldest end.
   */
  apply(
    updates: readonly Update[],
    source: UpdateSource,
    options: { followBottom?: boolean; headId?: number } = {},
  ): number {
    for (const update of updates) this.#headId = Math.max(this.#headId, update.id);
    if (options.headId !== undefined) this.#headId = Math.max(this.#headId, options.headId);

    if (source === 'live' && !this.#atHead) {
      // Changes to messages in the window still show, outcomes of its calls too; new messages wait for paging forward.
      this.#calls.note(updates);
      this.#messages.fold(this.#entries, updates, (update) => update.id);
      this.#noteMissed(updates);
      this.#keepCallsInWindow();
      return 0;
    }
    const firstBefore = this.firstId;
    const added = this.#merge(updates, source);
    this.#noteRead(updates, source);
    if (source === 'older-page') {
      this.#trim('newest');
    } else if (source === 'newer-page') {
      if (this.lastId === undefined || this.lastId >= this.#headId) this.#atHead = true;
      this.#trim('oldest');
    } else if (options.followBottom === false) {
      // The live message just merged is the newest, so a full window drops it at once.
      const lastBefore = this.lastId;
      this.#trim('newest');
      if (lastBefore !== this.lastId) this.#noteMissed(updates);
    } else {
      this.#trim('oldest');
    }
    // A live update at the head moves only the window's start, and only when it was trimmed.
    if (source !== 'live' || firstBefore !== this.firstId || this.#atHead === false) this.#keepCallsInWindow();
    return added;
  }

  /** Records that the space has updates up to `headId` (from a subscribed frame or a page). */
  noteHead(headId: number): void {
    this.#headId = Math.max(this.#headId, headId);
  }

  /** Finds the confirmed message a client sent with `clientMsgId`. */
  hasClientMsgId(clientMsgId: string): boolean {
    return this.#entries.some((entry) => entry.message.clientMsgId === clientMsgId);
  }

  #keepCallsInWindow(): void {
    if (this.#calls.size === 0) return;
    const read = this.#read;
    if (read === undefined) this.#calls.clear();
    else this.#calls.keepBetween(read.first, read.last);
  }

  #noteMissed(updates: readonly Update[]): void {
    const last = this.lastId ?? 0;
    for (const update of updates) {
      if (update.event.type === 'message' && update.id > last) this.#missedLive.add(update.id);
    }
  }

  #merge(updates: readonly Update[], source: UpdateSource): number {
    this.#calls.note(updates);
    const added = this.#mergeMessages(updates);
    // A page shows its messages as they are now, so as of its newest update; a live message as of its own.
    const pageEnd = updates.reduce((newest, update) => Math.max(newest, update.id), 0);
    this.#messages.fold(this.#entries, updates, (update) => (source === 'live' ? update.id : pageEnd));
    return added;
  }

  #noteRead(updates: readonly Update[], source: UpdateSource): void {
    if (updates.length === 0) return;
    let first = this.#read?.first ?? Infinity;
    let last = this.#read?.last ?? 0;
    for (const { id } of updates) {
      if (source !== 'newer-page' || this.#read === undefined) first = Math.min(first, id);
      if (source !== 'older-page' || this.#read === undefined) last = Math.max(last, id);
    }
    this.#read = { first, last };
  }

  #mergeMessages(updates: readonly Update[]): number {
    if (this.#areAllNewer(updates)) {
      // A live message after the last one: appended, without re-sorting the whole window.
      const added = updates.flatMap((update) =>
        update.event.type === 'message' ? [{ updateId: update.id, message: update.event.message }] : [],
      );
      if (added.length > 0) this.#entries = [...this.#entries, ...added];
      return added.length;
    }
    const byId = new Map(this.#entries.map((entry) => [entry.updateId, entry]));
    let added = 0;
    for (const update of updates) {
      if (update.event.type !== 'message' || byId.has(update.id)) continue;
      byId.set(update.id, { updateId: update.id, message: update.event.message });
      added += 1;
    }
    if (added > 0) this.#entries = [...byId.values()].sort((a, b) => a.updateId - b.updateId);
    return added;
  }

  /** Every update is newer than the window's last entry, in ascending order. */
  #areAllNewer(updates: readonly Update[]): boolean {
    let last = this.lastId ?? 0;
    for (const update of updates) {
      if (update.id <= last) return false;
      last = update.id;
    }
    return true;
  }

  #trim(end: 'oldest' | 'newest'): void {
    const excess = this.#entries.length - this.windowSize;
    if (excess <= 0) return;
    if (end === 'oldest') {
      this.#entries = this.#entries.slice(excess);
      if (this.#read !== undefined) this.#read.first = (this.#entries[0] as TimelineEntry).updateId;
    } else {
      this.#entries = this.#entries.slice(0, this.windowSize);
      this.#atHead = false;
      if (this.#read !== undefined)
        this.#read.last = (this.#entries[this.#entries.length - 1] as TimelineEntry).updateId;
    }
  }
}
