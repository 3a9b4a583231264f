import type { ChildRegistry } from '../child-registry';
import type { ClientKind, SubscriberSpec } from '../ipc';
import type { ProcessRole } from '../stats/cpu-by-role';

export const TARGET_NAMES = [
  'ceiling',
  'ceiling-coalesced',
  'socketio',
  'tim',
  'socketio-multi-process',
  'tim-multi-process',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Server processes of the multi-process targets; the load is spread evenly over them. */
export const MULTI_PROCESS_SERVERS = 2;

export interface TargetContext {
  registry: ChildRegistry;
  /** When set, the server processes write a V8 CPU profile (`--cpu-prof`) into this directory. */
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

/** One server process of a target: its CPU time and RSS are measured. */
export interface ServerEndpoint {
  readonly pid: number;
  /** Where the publisher posts. */
  readonly baseUrl: string;
  /** What subscribers connect to: a ws:// URL, or the base URL for Socket.IO. */
  readonly subscriberUrl: string;
}

/** A process the servers depend on, whose CPU is counted with theirs. */
export interface ServiceProcess {
  readonly pid: number;
  readonly role: Exclude<ProcessRole, 'server'>;
}

/** A server under test, running in processes of its own. */
export interface RunningTarget {
  readonly name: TargetName;
  /** One or more; posts go round-robin over them and subscribers are spread evenly. */
  readonly servers: readonly ServerEndpoint[];
  readonly clientKind: ClientKind;
  /**
   * Connections all workers together may have between opening and subscribed, below a cap
   * the server keeps on them; absent: as many as the scenario's `connectConcurrency`.
   */
  readonly maxHandshakesInFlight?: number;
  /**
   * The processes besides the servers whose CPU the target costs (the bench's own Redis, the
   * PostgreSQL backends serving the servers), listed afresh at every reading because backends
   * come and go with the servers' pools; absent: none.
   */
  listServiceProcesses?(): Promise<ServiceProcess[]>;
  prepare(plan: SpacePlan): Promise<PreparedLoad>;
  close(): Promise<void>;
}

export interface Target {
  readonly name: TargetName;
  start(context: TargetContext): Promise<RunningTarget>;
}
