import { TimClientError, type OutgoingStream, type TimConnection } from '@tim/protocol';
import type { Logger } from '../logger';

/** Longest wait for `stream_opened`, in ms; a server from before ping frames ignores unknown frames silently. */
export const STREAM_OPEN_TIMEOUT_MS = 5000;

/** The stream opens of one connection (see `AgentConnection.openStream`). */
export interface StreamOpens {
  open(spaceId: string, options: { clientMsgId: string; text: string }): Promise<OutgoingStream>;
  /** Whether `error` is a server's answer to a frame it does not know, taken here to refuse the waiting opens. */
  isUnknownFrameAnswer(error: TimClientError): boolean;
  /** The connection is open again, perhaps to an upgraded server: streams are tried again. */
  reconnected(): void;
}

/**
 * Stream opens of one connection, bounded in time. A server from before streams cannot read a
 * `stream_open` frame and answers `invalid_request` without the `clientMsgId` (so the client
 * cannot match it to the open); while an open waits, that answer refuses it, and the server is
 * taken not to stream until the next reconnect (which may reach an upgraded server).
 */
export function createStreamOpens(connection: TimConnection, log: Logger): StreamOpens {
  const waiting = new Set<(error: TimClientError) => void>();
  let isUnsupported = false;
  const unsupported = (): TimClientError =>
    new TimClientError('invalid_request', 'The server does not know streaming messages.');
  return {
    reconnected() {
      isUnsupported = false;
    },
    isUnknownFrameAnswer(error: TimClientError): boolean {
      if (waiting.size === 0 || error.code !== 'invalid_request') return false;
      if (error.spaceId !== undefined || error.streamId !== undefined) return false;
      if (!isUnsupported) log.info('the server does not stream messages; posting whole replies');
      isUnsupported = true;
      for (const refuse of [...waiting]) refuse(unsupported());
      return true;
    },
    open(spaceId, options) {
      if (isUnsupported) return Promise.reject(unsupported());
      return new Promise((resolve, reject) => {
        let isSettled = false;
        const refuse = (error: TimClientError): void => {
          if (isSettled) return;
          isSettled = true;
          clearTimeout(timer);
          waiting.delete(refuse);
          reject(error);
        };
        const timer = setTimeout(
          () => refuse(new TimClientError('timeout', `No answer to stream_open within ${STREAM_OPEN_TIMEOUT_MS} ms.`)),
          STREAM_OPEN_TIMEOUT_MS,
        );
        waiting.add(refuse);
        connection.openStream(spaceId, options).then(
          (stream) => {
            // Opened after all, too late: withdrawn, so the server does not keep its text.
            if (isSettled) return stream.abort();
            isSettled = true;
            clearTimeout(timer);
            waiting.delete(refuse);
            resolve(stream);
          },
          (err: unknown) =>
            refuse(err instanceof TimClientError ? err : new TimClientError('network', String(err), { cause: err })),
        );
      });
    },
  };
}
