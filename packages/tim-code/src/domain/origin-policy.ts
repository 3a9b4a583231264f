import { isIP } from 'node:net';

/** Which browser pages may act for a user: the one rule of HTTP (CORS, refusals) and the WebSocket upgrade. */
export interface OriginPolicy {
  /**
   * No Origin (curl, agents: not a browser) passes; a browser's Origin must be trusted.
   * Protocol v1: clients without Origin are accepted.
   */
  isAllowed(origin: string | undefined): boolean;
  /** The origin is the server's public origin, or one on TIM_ALLOWED_ORIGINS. */
  isTrusted(origin: string): boolean;
  /** Called once the server listens: without a public URL, the loopback defaults name this port. */
  listeningOn(port: number): void;
}

export interface OriginPolicyOptions {
  /** TIM_PUBLIC_URL's origin: where the web client is served from. */
  publicOrigin: string | undefined;
  /** TIM_ALLOWED_ORIGINS: further origins (the Vite dev server, a client served elsewhere). */
  allowedOrigins: readonly string[];
  /** TIM_HOST, the interface the server listens on. */
  host: string;
}

/** Listening on every interface names no address a page could be served from. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * The origins a page served by this server itself has when no TIM_PUBLIC_URL says: over
 * loopback (`pnpm start` opens http://127.0.0.1:8787 or http://localhost:8787) and at the
 * address TIM_HOST names. A page's Origin names the host the browser loaded it from, so a
 * DNS-rebinding page (its own host name resolving to this server) never has one of these;
 * comparing with the request's Host header instead would accept it, as that page sends its
 * own host name there too.
 */
export function defaultPublicOrigins(host: string, port: number): string[] {
  const hosts = ['localhost', '127.0.0.1', '[::1]'];
  if (!WILDCARD_HOSTS.has(host)) hosts.push(isIP(host) === 6 ? `[${host}]` : host);
  // Serialized as browsers send them (port 80 is left out, ::1 spelled [::1]).
  return [...new Set(hosts.map((name) => new URL(`http://${name}:${port}`).origin))];
}

/** The policy over TIM_PUBLIC_URL (or the loopback defaults for the listening port) and TIM_ALLOWED_ORIGINS. */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const trusted = new Set(options.allowedOrigins);
  if (options.publicOrigin !== undefined) trusted.add(options.publicOrigin);

  function isTrusted(origin: string): boolean {
    if (trusted.has(origin)) return true;
    // Browsers send the serialized origin; anything else is compared in that form.
    try {
      return trusted.has(new URL(origin).origin);
    } catch {
      return false;
    }
  }

  return {
    isAllowed: (origin) => origin === undefined || isTrusted(origin),
    isTrusted,
    listeningOn(port) {
      if (options.publicOrigin !== undefined) return;
      for (const origin of defaultPublicOrigins(options.host, port)) trusted.add(origin);
    },
  };
}
