import type { ActivityEvent, PresenceEvent, SpaceId, StreamEndEvent, StreamEvent, Update } from '@tim/protocol';
import { ActivityNotices } from './activity';
import type { ChatClient, ChatSignals, SpaceFrames } from './chat-ports';
import { describeError } from './error-words';
import { GrowingMessages } from './growing-messages';
import { Presence } from './presence';
import type { SpaceHistory } from './space-history';

/** How a `load` ended: read and subscribed, overtaken (a newer load, the space closed), or failed (a notice says why). */
export type LoadOutcome = { outcome: 'loaded' } | { outcome: 'superseded' } | { outcome: 'failed'; error: unknown };

export interface OpenSpaceOptions {
  /** The space's messages, a new window for this space. */
  history: SpaceHistory;
  client: Pick<ChatClient, 'presence'>;
  frames: Pick<SpaceFrames, 'subscribe' | 'unsubscribe' | 'stopStream'>;
  signals: ChatSignals;
}

const SUPERSEDED: LoadOutcome = { outcome: 'superseded' };

/**
 * The space the reader has open: its messages, the ones being written, who is here and what
 * they are doing, and its subscription. Made anew for each space the reader opens and closed
 * when they leave, so an answer for a space they left lands nowhere.
 */
export class OpenSpace {
  readonly history: SpaceHistory;
  readonly presence = new Presence();
  readonly activity = new ActivityNotices();
  readonly growing: GrowingMessages;
  readonly #client: Pick<ChatClient, 'presence'>;
  readonly #frames: Pick<SpaceFrames, 'subscribe' | 'unsubscribe' | 'stopStream'>;
  readonly #signals: ChatSignals;
  /** Bumped on every `load`, so only the newest load finishes. */
  #loads = 0;
  #loaded = false;
  #closed = false;

  constructor(options: OpenSpaceOptions) {
    this.history = options.history;
    this.growing = new GrowingMessages(options.history.spaceId);
    this.#client = options.client;
    this.#frames = options.frames;
    this.#signals = options.signals;
  }

  get spaceId(): SpaceId {
    return this.history.spaceId;
  }

  /** The newest page was read and the space subscribed since the last `load`. */
  get isLoaded(): boolean {
    return this.#loaded;
  }

  /**
   * Reads the newest page (or the messages around update `around`), subscribes from there on,
   * then asks who is here. Around a message, the window pages forward to the newest itself, so
   * the subscription starts at the space's head.
   */
  async load(options: { around?: number } = {}): Promise<LoadOutcome> {
    const load = ++this.#loads;
    this.history.restart();
    this.#loaded = false;
    this.#signals.changed();
    try {
      if (options.around === undefined) await this.history.loadLatest();
      else await this.history.loadAround(options.around);
      if (!this.#isCurrent(load)) return SUPERSEDED;
      const after = options.around === undefined ? (this.history.lastId ?? 0) : this.history.headId;
      this.#frames.subscribe(this.spaceId, { after });
      this.#loaded = true;
      this.#signals.notice(undefined);
      const online = await this.#client.presence(this.spaceId);
      if (!this.#isCurrent(load)) return SUPERSEDED;
      // The presence answer is the space's state from here on; notices from before it may
      // belong to timites who left meanwhile.
      this.presence.reset(online);
      this.activity.clear();
    } catch (error) {
      if (!this.#isCurrent(load)) return SUPERSEDED;
      this.#signals.notice(`Could not load this space. ${describeError(error)}`);
      this.#signals.changed();
      return { outcome: 'failed', error };
    }
    this.#signals.changed();
    return { outcome: 'loaded' };
  }

  /** An update of this space from the live connection. */
  applyUpdate(update: Update): void {
    switch (update.event.type) {
      case 'message':
        this.activity.end(update.event.message.sender.id);
        this.growing.settle(update);
        this.history.applyLive(update);
        return;
      case 'message_edited':
      case 'message_deleted':
      case 'reaction':
      case 'ability_call':
      case 'ability_outcome':
        this.history.applyLive(update);
        return;
    }
  }

  applyPresence(event: PresenceEvent): void {
    this.presence.apply(event);
    if (event.state === 'offline') this.activity.end(event.timite.id);
  }

  applyActivity(event: ActivityEvent, nowMs: number): void {
    this.activity.apply(event, nowMs);
  }

  /** A stream event of this space; true when what shows changed. */
  applyStream(event: StreamEvent | StreamEndEvent): boolean {
    return this.growing.apply(event);
  }

  /** Asks the server to stop a message being written; false when not connected. */
  stopStream(streamId: string): boolean {
    if (!this.#frames.stopStream(this.spaceId, streamId)) return false;
    this.growing.noteStopping(streamId);
    return true;
  }

  /** What others are doing, in words; a timite whose message is growing on screen needs no "thinking…". */
  activityLines(options: { nowMs: number; myId: number }): string[] {
    return this.activity.lines({ ...options, shownElsewhere: this.growing.authorIds() });
  }

  /** The reader left: unsubscribes, and drops whatever was still on its way. */
  close(): void {
    this.#closed = true;
    this.history.close();
    this.#frames.unsubscribe(this.spaceId);
  }

  #isCurrent(load: number): boolean {
    return load === this.#loads && !this.#closed;
  }
}
