import type { PresenceEvent, Timite } from '@tim/protocol';

/** Who is in the open space: the server's presence answer, kept current by presence events. */
export class Presence {
  #online = new Map<number, Timite>();

  /** Replaces the list with the space's presence answer. */
  reset(timites: readonly Timite[]): void {
    this.#online = new Map(timites.map((timite) => [timite.id, timite]));
  }

  apply(event: PresenceEvent): void {
    if (event.state === 'online') this.#online.set(event.timite.id, event.timite);
    else this.#online.delete(event.timite.id);
  }

  /** Online timites, people first, then by nick. */
  online(): Timite[] {
    return [...this.#online.values()].sort(
      (a, b) => (a.kind === b.kind ? 0 : a.kind === 'human' ? -1 : 1) || a.nick.localeCompare(b.nick),
    );
  }
}
