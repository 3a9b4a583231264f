/**
 * Sockets that have not authenticated yet, counted per client address. Such a socket costs a
 * file descriptor and memory before anyone is known, so one address may hold only so many.
 */
export interface UnauthenticatedSockets {
  /**
   * Counts one more socket for `address`. Returns the function that gives the slot back (it
   * does so once, however often it is called), or undefined when the address is at the cap.
   */
  tryAdmit(address: string): (() => void) | undefined;
  /** Sockets counted over all addresses. */
  readonly size: number;
}

export function createUnauthenticatedSockets(maxPerAddress: number): UnauthenticatedSockets {
  const countByAddress = new Map<string, number>();
  let size = 0;

  return {
    tryAdmit(address) {
      const count = countByAddress.get(address) ?? 0;
      if (count >= maxPerAddress) return undefined;
      countByAddress.set(address, count + 1);
      size += 1;
      let isCounted = true;
      return () => {
        if (!isCounted) return;
        isCounted = false;
        size -= 1;
        const left = (countByAddress.get(address) ?? 1) - 1;
        // An address with nothing waiting leaves the map, so it never grows with addresses seen.
        if (left === 0) countByAddress.delete(address);
        else countByAddress.set(address, left);
      };
    },
    get size() {
      return size;
    },
  };
}
