import type { ManagedProcess, WaitOptions } from './start-process';

/**
 * The line `tim-code serve` writes to stdout once it accepts connections,
 * `listening on http://HOST:PORT`; group 1 is the URL. The same words in its JSON log entry
 * (stderr) match too, the URL ending at the closing quote.
 */
export const LISTENING_LINE = /listening on (http:\/\/[^\s"'}]+)/;

/** Waits for tim-code's listening line and answers its base URL, without a trailing slash. */
export async function waitForListening(server: ManagedProcess, options: WaitOptions = {}): Promise<string> {
  const [, url = ''] = await server.waitForLine(LISTENING_LINE, { what: 'its "listening on" line', ...options });
  return url.replace(/\/$/, '');
}
