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
 */
export class UnreadCounts {
  readonly #myId: number;
  readonly #cap: number;
  readonly #spaces = new Map<SpaceId, SpaceUnreadState>();
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

  /** How many live messages were counted so far: a listing read meanwhile may have missed some of them. */
  get counted(): number {
    return this.#counted;
  }

  /** A page of the space list: its counts replace what was known of those spaces. */
  setListed(spaces: readonly SpaceListing[]): void {
    this.#version += 1;
    for (const space of spaces) {
      if (space.unread === undefined) continue;
      this.#supported = true;
      const { readUpTo, messages, mentions } = space.unread;
      this.#spaces.set(space.id, { readUpTo, listed: { messages, mentions }, live: [], seenHead: 0 });
    }
  }

  /**
   * A new message somewhere (the unread feed). Returns true when it is an unread mention of the
   * reader, which is worth a notification.
   */
  applyActivity(frame: SpaceActivityFrame): boolean {
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

  /** The badges of the spaces with something unread. */
  badges(): Map<SpaceId, UnreadBadge> {
    const badges = new Map<SpaceId, UnreadBadge>();
    for (const spaceId of this.#spaces.keys()) {
      const badge = this.badge(spaceId);
      if (badge.messages > 0) badges.set(spaceId, badge);
    }
    return badges;
  }

  /** Everything unread, over all spaces, capped like one space's counts. */
  totals(): UnreadBadge {
    let messages = 0;
    let mentions = 0;
    for (const spaceId of this.#spaces.keys()) {
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

  /** A space the listing has not told of (created since, or on a page not listed yet) starts with nothing read. */
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
