import type { AbilitiesEvent, Ability, SpaceId, Timite, TimiteAbilities } from '@tim/protocol';
import type { ChatClient, ChatSignals } from './chat-ports';

/** An ability someone in the space offers, as the slash command names it: `/nick.name`. */
export interface OfferedAbility {
  /** `nick.name`, what follows the `/`. */
  command: string;
  timite: Timite;
  ability: Ability;
}

/**
 * The abilities declared in the open space: read over HTTP when it opens, then kept up to date
 * by the live `abilities` events (a timite's whole set each time; [] when it is gone). Events
 * that arrive while the list is being read are applied after it, so none is lost.
 */
export class SpaceAbilities {
  readonly #client: Pick<ChatClient, 'listAbilities'>;
  readonly #signals: ChatSignals;
  #spaceId: SpaceId | undefined;
  #byTimite = new Map<number, TimiteAbilities>();
  #early: AbilitiesEvent[] | undefined;
  #offered: OfferedAbility[] = [];

  constructor(options: { client: Pick<ChatClient, 'listAbilities'>; signals: ChatSignals }) {
    this.#client = options.client;
    this.#signals = options.signals;
  }

  /** Sorted by command. */
  get offered(): readonly OfferedAbility[] {
    return this.#offered;
  }

  /** Reads the abilities of `spaceId`, which the reader just opened; a server without abilities offers none. */
  async open(spaceId: SpaceId): Promise<void> {
    this.#spaceId = spaceId;
    this.#byTimite = new Map();
    this.#early = [];
    this.#rebuild();
    let timites: TimiteAbilities[] = [];
    try {
      timites = (await this.#client.listAbilities(spaceId)).timites;
    } catch {
      // An older server (404) or a failed read: the composer offers no abilities, and a slash
      // command is sent as a message; live events still fill the list.
    }
    if (spaceId !== this.#spaceId) return;
    for (const entry of timites) this.#byTimite.set(entry.timite.id, entry);
    for (const event of this.#early ?? []) this.#set(event);
    this.#early = undefined;
    this.#rebuild();
    this.#signals.changed();
  }

  /** A live `abilities` event; true when it changed what the open space offers. */
  apply(event: AbilitiesEvent): boolean {
    if (event.spaceId !== this.#spaceId) return false;
    if (this.#early !== undefined) this.#early.push(event);
    this.#set(event);
    this.#rebuild();
    return true;
  }

  #set(event: AbilitiesEvent): void {
    if (event.abilities.length === 0) this.#byTimite.delete(event.timite.id);
    else this.#byTimite.set(event.timite.id, { timite: event.timite, abilities: event.abilities });
  }

  #rebuild(): void {
    const offered: OfferedAbility[] = [];
    for (const { timite, abilities } of this.#byTimite.values()) {
      for (const ability of abilities) offered.push({ command: `${timite.nick}.${ability.name}`, timite, ability });
    }
    this.#offered = offered.sort((a, b) => a.command.localeCompare(b.command));
  }
}
