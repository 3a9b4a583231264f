import type { Timite } from '@tim/protocol';

/**
 * The timites this client has met (in presence, messages and streams), so a mark that
 * carries only an id, such as a message's `stream.stoppedBy`, can be shown by nick.
 */
export class KnownTimites {
  readonly #byId = new Map<number, Timite>();

  note(timite: Timite): void {
    this.#byId.set(timite.id, timite);
  }

  nick(id: number): string | undefined {
    return this.#byId.get(id)?.nick;
  }
}
