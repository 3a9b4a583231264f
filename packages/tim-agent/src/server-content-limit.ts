import { DEFAULT_LIMITS, TimClientError, type TimClient } from '@tim/protocol';

/**
 * The server's longest message, in code points, read from GET /limits on first use and kept.
 * A server from before that route (404) has the protocol's default; one that cannot be
 * reached now is asked again next time, and the default serves meanwhile.
 */
export function createServerContentLimit(client: TimClient, onError: (err: unknown) => void): () => Promise<number> {
  let known: number | undefined;
  return async () => {
    if (known !== undefined) return known;
    try {
      known = (await client.limits()).messageChars;
      return known;
    } catch (err) {
      if (err instanceof TimClientError && err.status === 404) {
        known = DEFAULT_LIMITS.messageChars;
        return known;
      }
      onError(err);
      return DEFAULT_LIMITS.messageChars;
    }
  };
}
