export * from './schemas/limits';
export * from './schemas/errors';
export * from './schemas/entities';
export * from './schemas/http';
export * from './schemas/frames';
export * from './schemas/message-changes';
export * from './schemas/abilities';
export * from './schemas/access';
export * from './mentions';
export { TimClient } from './client/tim-client';
export type {
  TimClientOptions,
  SendMessageOptions,
  SendMessageResult,
  ReadUpdatesOptions,
  ListSpacesOptions,
  OpenDmResult,
} from './client/tim-client';
export { TimConnection } from './client/live-connection';
export type {
  ConnectionState,
  StateChange,
  RetryEvent,
  SubscribeOptions,
  TimConnectionEvents,
  OpenStreamOptions,
} from './client/live-connection';
export { OutgoingStream } from './client/outgoing-stream';
export { StreamTexts, type StreamText } from './client/stream-texts';
export { applyToMessage, actorIdOf, messageIdOf } from './client/message-changes';
export { TimClientError } from './client/tim-client-error';
export type { TimClientErrorCode, TimClientErrorOptions, ClientOnlyErrorCode } from './client/tim-client-error';
export { backoffDelay, DEFAULT_BACKOFF } from './client/backoff';
export type { BackoffOptions } from './client/backoff';
export { Emitter } from './client/emitter';
export type { Unsubscribe } from './client/emitter';
export type { WebSocketConstructor, WebSocketLike, FetchFunction, Timers, TimerHandle } from './client/platform';
