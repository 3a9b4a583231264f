import type { ClientFrame, ErrorFrame, SpaceId } from '@tim/protocol';
import { TimError, toTimError } from '../../domain/tim-error';
import { errorStack } from '../../error-text';
import type { Logger } from '../../logger';

/**
 * Every error a WebSocket peer can be told, in one table: the code and the sentence. Frame
 * handlers throw these; `toErrorFrame` turns anything thrown into the frame, as `toHttpError`
 * does for HTTP.
 */
export const wsErrors = {
  invalidFrame: (reason: string) => new TimError('invalid_request', reason),
  alreadyAuthenticated: () => new TimError('invalid_request', 'Already authenticated.'),
  firstFrameNotAuth: () => new TimError('unauthenticated', 'The first frame must be an auth frame.'),
  invalidKey: () => new TimError('unauthenticated', 'That key is not valid.'),
  keyCheckFailed: (cause: unknown) => new TimError('internal', 'Could not check the key; try again.', { cause }),
  tooManyConnections: (max: number) => new TimError('limit_exceeded', `At most ${max} connections per timite.`),
  tooManySubscriptions: (max: number) => new TimError('limit_exceeded', `At most ${max} subscriptions per connection.`),
  noSuchSpace: (spaceId: SpaceId) => new TimError('not_found', `There is no space "${spaceId}".`),
  subscribeFailed: (spaceId: SpaceId, cause: unknown) =>
    new TimError('unavailable', `Could not subscribe to "${spaceId}"; try again.`, { cause }),
  notSubscribed: (spaceId: SpaceId) =>
    new TimError('invalid_request', `Subscribe to "${spaceId}" before sending activity there.`),
  tooManyActivityFrames: (retryAfterSeconds: number) =>
    new TimError('rate_limited', `Too many activity frames; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
      retryAfterSeconds,
    }),
  tooManyMessages: (retryAfterSeconds: number) =>
    new TimError('rate_limited', `Too many messages; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
      retryAfterSeconds,
    }),
  tooManyDeclarations: (retryAfterSeconds: number) =>
    new TimError('rate_limited', `Too many declarations; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
      retryAfterSeconds,
    }),
  tooManyStreamAppends: (retryAfterSeconds: number) =>
    new TimError('rate_limited', `Too many stream appends; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
      retryAfterSeconds,
    }),
} as const;

/** What an error frame names besides its code: the space, stream or clientMsgId of the failed frame. */
export interface ErrorSubject {
  spaceId?: SpaceId;
  streamId?: string;
  clientMsgId?: string;
}

/** The subject of a frame, for the error frame that answers it. */
export function errorSubjectOf(frame: ClientFrame): ErrorSubject {
  return {
    ...('spaceId' in frame ? { spaceId: frame.spaceId } : {}),
    ...('streamId' in frame ? { streamId: frame.streamId } : {}),
    ...('clientMsgId' in frame ? { clientMsgId: frame.clientMsgId } : {}),
  };
}

/**
 * The one funnel for WebSocket failures: a TimError keeps its code and sentence, anything else
 * becomes `internal` with a fixed sentence and is logged once with its stack.
 */
export function toErrorFrame(
  err: unknown,
  context: { logger: Logger; connectionId: string } & ErrorSubject,
): ErrorFrame {
  const error = toTimError(err, (original) =>
    context.logger.error('frame handler failed', {
      connectionId: context.connectionId,
      spaceId: context.spaceId,
      error: errorStack(original),
    }),
  );
  return {
    type: 'error',
    code: error.code,
    message: error.message,
    ...(context.spaceId === undefined ? {} : { spaceId: context.spaceId }),
    ...(context.streamId === undefined ? {} : { streamId: context.streamId }),
    ...(context.clientMsgId === undefined ? {} : { clientMsgId: context.clientMsgId }),
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}
