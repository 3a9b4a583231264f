import type { AbilitiesEvent, Timite } from '@tim/protocol';
import { SpaceAbilities } from './abilities-in-space';

const bot: Timite = { id: 2, nick: 'bot', kind: 'agent' };
const jarvis: Timite = { id: 3, nick: 'jarvis', kind: 'agent' };
const echo = { name: 'echo', description: 'Says it back', parameters: { type: 'object' as const } };
const search = { name: 'search', description: 'Searches', parameters: { type: 'object' as const } };

function event(timite: Timite, abilities: AbilitiesEvent['abilities'], spaceId = 'main'): AbilitiesEvent {
  return { type: 'abilities', spaceId, timite, abilities };
}

describe('SpaceAbilities', () => {
  it('lists what the space offers, then follows live events, and a set of none removes the timite', async () => {
    let changes = 0;
    const abilities = new SpaceAbilities({
      client: { listAbilities: async () => ({ timites: [{ timite: jarvis, abilities: [search] }] }) },
      signals: { changed: () => (changes += 1), notice: () => undefined },
    });
    await abilities.open('main');
    expect(abilities.offered.map((each) => each.command)).toEqual(['jarvis.search']);
    expect(changes).toBe(1);
    expect(abilities.apply(event(bot, [echo]))).toBe(true);
    expect(abilities.offered.map((each) => each.command)).toEqual(['bot.echo', 'jarvis.search']);
    expect(abilities.apply(event(bot, [echo], 'side'))).toBe(false);
    abilities.apply(event(jarvis, []));
    expect(abilities.offered.map((each) => each.command)).toEqual(['bot.echo']);
  });

  it('keeps an event that arrives while the list is read, and offers nothing when the server cannot list', async () => {
    let answer: (value: { timites: [] }) => void = () => undefined;
    const abilities = new SpaceAbilities({
      client: { listAbilities: () => new Promise((resolve) => (answer = resolve)) },
      signals: { changed: () => undefined, notice: () => undefined },
    });
    const opening = abilities.open('main');
    abilities.apply(event(bot, [echo]));
    answer({ timites: [] });
    await opening;
    expect(abilities.offered.map((each) => each.command)).toEqual(['bot.echo']);

    const failing = new SpaceAbilities({
      client: { listAbilities: async () => Promise.reject(new Error('404')) },
      signals: { changed: () => undefined, notice: () => undefined },
    });
    await failing.open('main');
    expect(failing.offered).toEqual([]);
  });
});
