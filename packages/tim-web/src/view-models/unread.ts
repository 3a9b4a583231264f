import {
  UNREAD_COUNT_CAP,
  type ReadMarkerFrame,
  type SpaceActivityFrame,
  type SpaceId,
  type SpaceListing,
} from '@tim/protocol';

/** What a space's badge shows: unread messages by others, and those of them that mention the reader. */
export interface UnreadBadge {
  messages: number;
  mentions: number;
}

interface SpaceUnreadState {
  readUpTo: number;
  /** Unread as the server counted them when the spaces were last listed: all at or before the head then. */
  listed: UnreadBadge;
  /** Messages by others past `readUpTo` that arrived live since that listing, in update order. */
  live: Array<{ updateId: number; mention: boolean }>;
  /** The newest update id seen live since the listing (any sender); 0 when none. */
  seenHead: number;
}

/** What a read marker from another device needs: nothing more, or the counts read again from the server. */
export type MarkerOutcome = 'settled' | 'recount';

const NONE: UnreadBadge = { messages: 0, mentions: 0 };

/**
 * The reader's unread counts per space: as the server listed them (`GET /spaces`), kept live
 * by the unread feed. A message counts when someone else sent it past the reader's read marker;
 * a mention when it names the reader. Counts stop at the server's cap (`UNREAD_COUNT_CAP`,
 * "at least this many").
 *
 * The listing tells how many are unread but not which, so when another device moves the marker
 * to somewhere before the newest message seen here, only the server can tell what is left:
 * `applyReadMarker` then answers 'recount'.
 *
 * Only the spaces in the reader's list (their own, listed so far) and the open one count: the
 * feed also tells of public spaces the reader never joined, which no badge shows.
 */
export class UnreadCounts {
  readonly #myId: number;
  readonly #cap: number;
  readonly #spaces = new Map<SpaceId, SpaceUnreadState>();
  /** The spaces of the reader's list; with the open one, the only spaces counted. */
  readonly #listed = new Set<SpaceId>();
  #openSpaceId: SpaceId | undefined;
  #supported = false;
  #counted = 0;
  #version = 0;

  constructor(options: { myId: number; cap?: number }) {
    this.#myId = options.myId;
    this.#cap = options.cap ?? UNREAD_COUNT_CAP;
  }

  /** The server lists unread counts (an extension of v1 that older servers lack). */
  get supported(): boolean {
    return this.#supported;
  }

  get cap(): number {
    return this.#cap;
  }

  /** Changes whenever a count or a marker may have changed, so what is built from them can be kept until then. */
  get version(): number {
    return this.#version;
  }

  /**
   * How many live messages by others arrived so far, in spaces counted or not: a listing read
   * meanwhile may have missed some of them.
   */
  get counted(): number {
    return this.#counted;
  }

  /**
   * A page of the space list: its counts replace what was known of those spaces. `restart`: the
   * list was read again from its start, so spaces not among these are no longer listed.
   */
  setListed(spaces: readonly SpaceListing[], options: { restart?: boolean } = {}): void {
    this.#version += 1;
    if (options.restart === true) this.#listed.clear();
    for (const space of spaces) {
      this.#listed.add(space.id);
      if (space.unread === undefined) continue;
      this.#supported = true;
      const { readUpTo, messages, mentions } = space.unread;
      this.#spaces.set(space.id, { readUpTo, listed: { messages, mentions }, live: [], seenHead: 0 });
    }
  }

  /** A space listed since the list was read (created, joined, a direct message opened): counted from nothing read. */
  addListed(spaceId: SpaceId): void {
    this.#version += 1;
    this.#listed.add(spaceId);
  }

  /** A space that left the list (the reader was removed): nothing of it counts any more. */
  removeListed(spaceId: SpaceId): void {
    this.#version += 1;
    this.#listed.delete(spaceId);
    this.#spaces.delete(spaceId);
  }

  /** The space the reader has open counts too, listed or not (a public space they look at from outside). */
  setOpen(spaceId: SpaceId): void {
    if (spaceId === this.#openSpaceId) return;
    this.#version += 1;
    this.#openSpaceId = spaceId;
  }

  /**
   * A new message somewhere (the unread feed). Returns true when it is an unread mention of the
   * reader, which is worth a notification, in a space that counts or not.
   */
  applyActivity(frame: SpaceActivityFrame): boolean {
    if (!this.#counts(frame.spaceId)) {
      const readUpTo = this.#spaces.get(frame.spaceId)?.readUpTo ?? 0;
      const news = frame.senderId !== this.#myId && frame.updateId > readUpTo;
      // Nothing is kept, but a listing running now may list the space without this message:
      // `counted` moving tells the caller to read the list once more.
      if (news) this.#counted += 1;
      return news && frame.mentions.includes(this.#myId);
    }
    const state = this.#stateOf(frame.spaceId);
    if (frame.updateId <= state.seenHead) return false;
    state.seenHead = frame.updateId;
    if (frame.senderId === this.#myId || frame.updateId <= state.readUpTo) return false;
    const mention = frame.mentions.includes(this.#myId);
    state.live.push({ updateId: frame.updateId, mention });
    this.#counted += 1;
    this.#version += 1;
    return mention;
  }

  /** The reader's marker moved (on this or another device). */
  applyReadMarker(frame: ReadMarkerFrame): MarkerOutcome {
    const state = this.#spaces.get(frame.spaceId);
    if (state === undefined || frame.readUpTo <= state.readUpTo) return 'settled';
    const hasListed = state.listed.messages > 0;
    const pastSeen = state.seenHead > 0 && frame.readUpTo >= state.seenHead;
    this.#moveMarker(state, frame.readUpTo, pastSeen);
    return hasListed && !pastSeen ? 'recount' : 'settled';
  }

  /**
   * The reader read the space up to `updateId` here. `atHead`: that is the newest message of
   * the space, so nothing listed before stays unread. Returns false when the marker was there already.
   */
  markRead(spaceId: SpaceId, updateId: number, options: { atHead: boolean }): boolean {
    const state = this.#stateOf(spaceId);
    if (updateId <= state.readUpTo) return false;
    this.#moveMarker(state, updateId, options.atHead);
    return true;
  }

  /** Where the reader's marker is in a space, as far as known here. */
  readUpTo(spaceId: SpaceId): number | undefined {
    return this.#spaces.get(spaceId)?.readUpTo;
  }

  badge(spaceId: SpaceId): UnreadBadge {
    const state = this.#spaces.get(spaceId);
    if (state === undefined) return NONE;
    const mentions = state.listed.mentions + state.live.filter((entry) => entry.mention).length;
    return {
      messages: Math.min(this.#cap, state.listed.messages + state.live.length),
      mentions: Math.min(this.#cap, mentions),
    };
  }

  /** The badges of the counted spaces with something unread. */
  badges(): Map<SpaceId, UnreadBadge> {
    const badges = new Map<SpaceId, UnreadBadge>();
    for (const spaceId of this.#countedSpaceIds()) {
      const badge = this.badge(spaceId);
      if (badge.messages > 0) badges.set(spaceId, badge);
    }
    return badges;
  }

  /** Everything unread, over the counted spaces, capped like one space's counts. */
  totals(): UnreadBadge {
    let messages = 0;
    let mentions = 0;
    for (const spaceId of this.#countedSpaceIds()) {
      const badge = this.badge(spaceId);
      messages += badge.messages;
      mentions += badge.mentions;
    }
    return { messages: Math.min(this.#cap, messages), mentions: Math.min(this.#cap, mentions) };
  }

  #moveMarker(state: SpaceUnreadState, readUpTo: number, clearsListed: boolean): void {
    this.#version += 1;
    state.readUpTo = readUpTo;
    state.live = state.live.filter((entry) => entry.updateId > readUpTo);
    if (clearsListed) state.listed = { ...NONE };
  }

  /** The space is in the reader's list, or open. */
  #counts(spaceId: SpaceId): boolean {
    return this.#listed.has(spaceId) || spaceId === this.#openSpaceId;
  }

  #countedSpaceIds(): SpaceId[] {
    return [...this.#spaces.keys()].filter((spaceId) => this.#counts(spaceId));
  }

  /** A space the listing has not told of (listed since, or the open one) starts with nothing read. */
  #stateOf(spaceId: SpaceId): SpaceUnreadState {
    let state = this.#spaces.get(spaceId);
    if (state === undefined) {
      state = { readUpTo: 0, listed: { ...NONE }, live: [], seenHead: 0 };
      this.#spaces.set(spaceId, state);
    }
    return state;
  }
}

/** A count as a badge shows it: the cap means "at least", so 1000 shows as "999+". */
export function formatCount(count: number, cap: number = UNREAD_COUNT_CAP): string {
  return count >= cap ? `${cap - 1}+` : String(count);
}

/** "3 unread, 1 mention", for screen readers. */
export function unreadLabel(badge: UnreadBadge, cap: number = UNREAD_COUNT_CAP): string {
  const messages = `${formatCount(badge.messages, cap)} unread`;
  if (badge.mentions === 0) return messages;
  return `${messages}, ${formatCount(badge.mentions, cap)} mention${badge.mentions === 1 ? '' : 's'}`;
}

/** The document title: "Tim", "(5) Tim", or with mentions first, "(@2 · 5) Tim". */
export function pageTitle(totals: UnreadBadge, cap: number = UNREAD_COUNT_CAP): string {
  if (totals.messages === 0) return 'Tim';
  const messages = formatCount(totals.messages, cap);
  if (totals.mentions === 0) return `(${messages}) Tim`;
  return `(@${formatCount(totals.mentions, cap)} · ${messages}) Tim`;
}
