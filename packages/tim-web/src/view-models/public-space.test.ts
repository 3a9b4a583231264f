import type { ListSpacesOptions, SpaceListing, SpacesResponse } from '@tim/protocol';
import { PublicSpaceNames, lookUpPublicSpace } from './public-space';

function listing(id: string, name: string): SpaceListing {
  return { id, name, createdAt: '2026-01-01T00:00:00.000Z' };
}

/** A server whose public spaces are `spaces`, matched on id or name as the server does. */
function server(spaces: SpaceListing[], options: { failing?: boolean } = {}) {
  const asked: ListSpacesOptions[] = [];
  const client = {
    listSpaces: async (query: ListSpacesOptions = {}): Promise<SpacesResponse> => {
      asked.push(query);
      if (options.failing === true) throw new Error('offline');
      const q = (query.q ?? '').toLowerCase();
      return { spaces: spaces.filter((space) => `${space.id} ${space.name}`.toLowerCase().includes(q)) };
    },
  };
  return { client, asked };
}

describe('lookUpPublicSpace', () => {
  it('finds the public space with exactly this id among those the query matches', async () => {
    const { client, asked } = server([listing('garden-2', 'Garden 2'), listing('garden', 'The Garden')]);
    expect(await lookUpPublicSpace(client, 'garden')).toEqual(listing('garden', 'The Garden'));
    expect(asked[0]).toMatchObject({ scope: 'public', q: 'garden' });
  });

  it('answers undefined for a space it does not find and for a server that fails', async () => {
    expect(await lookUpPublicSpace(server([listing('gardens', 'Gardens')]).client, 'garden')).toBeUndefined();
    expect(await lookUpPublicSpace(server([], { failing: true }).client, 'garden')).toBeUndefined();
  });
});

describe('PublicSpaceNames', () => {
  it('looks each space up once and tells when a name arrived', async () => {
    const { client, asked } = server([listing('garden', 'The Garden')]);
    let learned = 0;
    const names = new PublicSpaceNames({ client, onLearned: () => (learned += 1) });
    expect(names.nameOf('garden')).toBeUndefined();
    expect(names.nameOf('garden')).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(learned).toBe(1);
    expect(names.nameOf('garden')).toBe('The Garden');
    expect(asked).toHaveLength(1);
  });

  it('asks once for a space it cannot find, and learns nothing', async () => {
    const { client, asked } = server([]);
    let learned = 0;
    const names = new PublicSpaceNames({ client, onLearned: () => (learned += 1) });
    names.nameOf('hidden');
    await new Promise((resolve) => setImmediate(resolve));
    names.nameOf('hidden');
    expect(asked).toHaveLength(1);
    expect(learned).toBe(0);
  });
});
