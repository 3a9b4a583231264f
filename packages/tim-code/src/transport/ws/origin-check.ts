/**
 * The WebSocket upgrade's Origin rule (protocol v1): no Origin header (a non-browser
 * client) passes; otherwise the origin must be the server's own (its host equals the
 * request's Host) or be on the allowlist. Browsers always send Origin, so a page on another
 * site cannot open a socket with a user's key.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host.toLowerCase() === host.toLowerCase()) return true;
  return allowedOrigins.includes(parsed.origin);
}
