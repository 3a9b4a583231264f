import { SPACES_PAGE_MAX, type SpaceId, type SpaceListing, type TimClient } from '@tim/protocol';

/**
 * The public space `spaceId` as listed for the reader (with their role when they are a
 * member), found among the public spaces whose id or name contains it; undefined when it is
 * not among them or the server did not answer.
 */
export async function lookUpPublicSpace(
  client: Pick<TimClient, 'listSpaces'>,
  spaceId: SpaceId,
): Promise<SpaceListing | undefined> {
  try {
    const { spaces } = await client.listSpaces({ scope: 'public', q: spaceId, limit: SPACES_PAGE_MAX });
    return spaces.find((space) => space.id === spaceId);
  } catch {
    return undefined;
  }
}

/**
 * Names of public spaces outside the reader's list (a search result from a space they have not
 * joined), each looked up once: `nameOf` answers what is known and asks for what is not;
 * `onLearned` runs when a name arrives. A space not found keeps showing its id.
 */
export class PublicSpaceNames {
  readonly #client: Pick<TimClient, 'listSpaces'>;
  readonly #onLearned: () => void;
  readonly #names = new Map<SpaceId, string>();
  readonly #asked = new Set<SpaceId>();

  constructor(options: { client: Pick<TimClient, 'listSpaces'>; onLearned: () => void }) {
    this.#client = options.client;
    this.#onLearned = options.onLearned;
  }

  nameOf(spaceId: SpaceId): string | undefined {
    const known = this.#names.get(spaceId);
    if (known === undefined && !this.#asked.has(spaceId)) {
      this.#asked.add(spaceId);
      void lookUpPublicSpace(this.#client, spaceId).then((space) => {
        if (space === undefined) return;
        this.#names.set(spaceId, space.name);
        this.#onLearned();
      });
    }
    return known;
  }
}
