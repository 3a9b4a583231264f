import type { ClientFrame, ServerFrame, SpaceId, Timite } from '@tim/protocol';
import type { OutboundFrame } from '../../realtime/outbound-frame';
import type { ErrorSubject } from './ws-errors';

/*
 * What the frame handlers and the connection know of each other. In a module of its own, so
 * that neither connection.ts nor frame-handlers.ts imports the other: the connection implements
 * FramePeer and is handed a FrameHandler; the handlers see only this interface.
 */

/** A peer's subscription to one space, made by the frame handlers and held by the peer. */
export interface PeerSubscription {
  /** Stops delivery, and leaves presence if it had joined. Idempotent. */
  close(): void;
  /**
   * Stops delivery but keeps the presence membership, for a restart of the same space's
   * subscription to take over; answers whether it had joined.
   */
  handOver(): boolean;
}

/** The authenticated connection a frame came on, as the frame handlers use it. */
export interface FramePeer {
  /** Names the connection in logs. */
  readonly id: string;
  /** Set once the auth frame succeeded. */
  readonly timite: Timite | undefined;
  /** Authenticated and not closed. */
  readonly isReady: boolean;
  /** The peer's subscriptions by space; `dropSubscription` ends one. */
  readonly subscriptions: Map<SpaceId, PeerSubscription>;
  /** Queues a frame for this peer only; never throws. */
  deliver(frame: OutboundFrame): void;
  /** Paces a replay: see HubSubscriber.whenReadyForReplay. */
  whenReadyForReplay(): Promise<void> | undefined;
  send(frame: ServerFrame): void;
  /** Answers the peer with an error frame naming what failed. */
  fail(err: unknown, subject?: ErrorSubject): void;
  /** Runs once when the connection ends, however it ends. */
  onRelease(listener: () => void): void;
  /** Forgets the space's subscription and closes it. */
  dropSubscription(spaceId: SpaceId): void;
}

/** Handles one frame after authentication; a refusal is thrown and answered by the peer. */
export type FrameHandler = (peer: FramePeer, frame: ClientFrame) => Promise<void>;
