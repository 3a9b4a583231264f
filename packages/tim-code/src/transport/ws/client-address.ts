import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../../config';

/**
 * Express's own reading of `trust proxy` (its `compileTrust`) for the values TIM_TRUST_PROXY
 * can hold, so an upgrade is counted against the address that `req.ip` would give over HTTP.
 */
function compileTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust === false ? [] : trust);
}

/** The client address of a request: the TCP peer, or X-Forwarded-For's last untrusted hop. */
export function createClientAddressReader(trust: TrustProxy): (request: IncomingMessage) => string {
  const isTrusted = compileTrust(trust);
  return (request) => proxyAddr(request, isTrusted);
}
