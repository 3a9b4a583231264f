/**
 * The parts of the platform the client uses, as structural types that the browser's
 * WebSocket and `ws`'s WebSocket both satisfy. Only the browser-compatible surface is used
 * (`on*` handler slots, `send`, `close`, `readyState`), so Node, browsers and tests share
 * one code path.
 */

/**
 * A WebSocket instance. The handler slots are typed `unknown` because the two
 * implementations type their events differently; the client narrows what it receives.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: unknown;
  onmessage: unknown;
  onclose: unknown;
  onerror: unknown;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** `globalThis.WebSocket` in browsers; in Node pass `ws`'s `WebSocket` class. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `readyState` values shared by every implementation. */
export const WS_CONNECTING = 0;
export const WS_OPEN = 1;

export type FetchFunction = typeof globalThis.fetch;

/** Opaque timer handle: a number in browsers, an object in Node. */
export type TimerHandle = unknown;

/** Injectable timers; the defaults are the global ones. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** The clock these timers run on, in ms; a test's virtual timers bring their own. @default Date.now */
  now?(): number;
}

export const GLOBAL_TIMERS: Timers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number | undefined),
  now: () => Date.now(),
};

/** The current time on the timers' clock, in ms. */
export function readClock(timers: Timers): number {
  return timers.now?.() ?? Date.now();
}

/** The text of a message event, or undefined for binary data (the protocol is JSON text). */
export function readMessageText(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !('data' in event)) return undefined;
  return typeof event.data === 'string' ? event.data : undefined;
}

/** Code and reason of a close event; 1006 (abnormal closure) when the event has none. */
export function readCloseEvent(event: unknown): { code: number; reason: string } {
  if (typeof event !== 'object' || event === null) return { code: 1006, reason: '' };
  const code = 'code' in event && typeof event.code === 'number' ? event.code : 1006;
  const reason = 'reason' in event && typeof event.reason === 'string' ? event.reason : '';
  return { code, reason };
}

/** The message of an error event where the implementation gives one (`ws` does, browsers do not). */
export function readErrorMessage(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || !('message' in event)) return undefined;
  return typeof event.message === 'string' ? event.message : undefined;
}
