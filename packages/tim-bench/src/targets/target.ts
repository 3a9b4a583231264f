import type { ChildRegistry } from '../child-registry';
import type { ClientKind, SubscriberSpec } from '../ipc';

export const TARGET_NAMES = ['ceiling', 'ceiling-coalesced', 'socketio', 'tim'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetContext {
  registry: ChildRegistry;
  /** When set, the server process writes a V8 CPU profile (`--cpu-prof`) into this directory. */
  cpuProfileDir?: string;
}

/** How subscribers are spread: `spaceIds.length` spaces with the same audience each. */
export interface SpacePlan {
  spaceIds: string[];
  subscribersPerSpace: number;
}

export interface PreparedLoad {
  /** One entry per subscriber connection, grouped by space. */
  subscribers: SubscriberSpec[];
  /** Headers for the publisher's POSTs (tim's bearer key). */
  publishHeaders: Record<string, string>;
  /** Distinct identities behind the subscribers (tim timites; 0 where there are none). */
  identities: number;
}

/** A server under test, running in its own process. */
export interface RunningTarget {
  readonly name: TargetName;
  /** The server process, whose CPU time and RSS are the measured figures. */
  readonly pid: number;
  readonly baseUrl: string;
  readonly clientKind: ClientKind;
  /** What subscribers connect to: a ws:// URL, or the base URL for Socket.IO. */
  readonly subscriberUrl: string;
  /**
   * Connections all workers together may have between opening and subscribed, below a cap
   * the server keeps on them; absent: as many as the scenario's `connectConcurrency`.
   */
  readonly maxHandshakesInFlight?: number;
  prepare(plan: SpacePlan): Promise<PreparedLoad>;
  close(): Promise<void>;
}

export interface Target {
  readonly name: TargetName;
  start(context: TargetContext): Promise<RunningTarget>;
}
