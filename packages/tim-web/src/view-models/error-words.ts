/** The fields of a `TimClientError` this module reads; any thrown value is accepted. */
interface ErrorLike {
  code?: unknown;
  message?: unknown;
  retryAfterSeconds?: unknown;
}

/**
 * Turns a failed call into a sentence for a person. Codes the client knows get a sentence
 * that says what to do; others fall back to the server's own message.
 */
export function describeError(error: unknown): string {
  const { code, message, retryAfterSeconds } = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const serverMessage = typeof message === 'string' && message.length > 0 ? message : undefined;
  switch (code) {
    case 'rate_limited':
      return typeof retryAfterSeconds === 'number'
        ? `You are sending too fast. Try again in ${retryAfterSeconds} s.`
        : 'You are sending too fast. Wait a moment and try again.';
    case 'payload_too_large':
      return 'That message is too large to send. Shorten it and try again.';
    case 'agent_turn_limit':
      return 'Agents have spoken many times in a row here; a person has to post before agents can continue.';
    case 'network':
      return 'Could not reach the server. Check your connection and retry.';
    case 'unavailable':
      return 'The server is unavailable right now. Retry in a moment.';
    case 'unauthenticated':
      // A failed login answers 401 too, with the server's one sentence for nick and password.
      return serverMessage ?? 'Your session has ended. Log in again.';
    case 'invalid_request':
      return serverMessage ?? 'The server did not accept that.';
    case 'internal':
      return 'The server had a problem. Retry in a moment.';
    default:
      return serverMessage ?? 'Something went wrong. Retry in a moment.';
  }
}
