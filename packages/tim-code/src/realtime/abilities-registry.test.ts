import type { AbilitiesEvent, Ability, SpaceId, Timite } from '@tim/protocol';
import { createAbilitiesRegistry } from './abilities-registry';

const jarvis: Timite = { id: 7, nick: 'jarvis', kind: 'agent' };
const search: Ability = { name: 'search', description: 'Searches.', parameters: { type: 'object' } };
const summarize: Ability = { name: 'summarize', description: 'Summarizes.', parameters: { type: 'object' } };

function openRegistry() {
  const published: Array<{ spaceId: SpaceId; event: AbilitiesEvent }> = [];
  const registry = createAbilitiesRegistry({ publish: (spaceId, event) => published.push({ spaceId, event }) });
  return { registry, published };
}

async function settled(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('createAbilitiesRegistry', () => {
  it('announces each change of a visible set once, and withdraws a connection’s declarations at its release', async () => {
    const { registry, published } = openRegistry();
    await registry.declare('1', 'main', jarvis, [search]);
    await registry.declare('1', 'lab', jarvis, [summarize]);
    await registry.declare('2', 'main', jarvis, [search]);
    expect(registry.entryCount()).toBe(3);
    expect(published.map(({ spaceId, event }) => [spaceId, event.abilities.map((a) => a.name)])).toEqual([
      ['main', ['search']],
      ['lab', ['summarize']],
    ]);

    registry.release('1');
    await settled();
    // In main, connection 2 still declares the same set: only lab changed.
    expect(published.slice(2)).toEqual([
      { spaceId: 'lab', event: { type: 'abilities', spaceId: 'lab', timite: jarvis, abilities: [] } },
    ]);
    expect(await registry.list('main')).toEqual([{ timite: jarvis, abilities: [search] }]);
    await registry.declare('2', 'main', jarvis, []);
    expect(published.at(-1)?.event.abilities).toEqual([]);
    expect(await registry.find('main', jarvis.id)).toBeUndefined();
    expect(registry.entryCount()).toBe(0);
  });

  it('drops a declaration still queued when its connection is released', async () => {
    const { registry, published } = openRegistry();
    const declared = registry.declare('1', 'main', jarvis, [search]);
    registry.release('1');
    await declared;
    await settled();
    expect(published).toEqual([]);
    expect(await registry.list('main')).toEqual([]);
  });
});
