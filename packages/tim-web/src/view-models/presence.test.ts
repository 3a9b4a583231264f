import type { Timite } from '@tim/protocol';
import { Presence } from './presence';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };
const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const bob: Timite = { id: 3, nick: 'bob', kind: 'human' };

describe('Presence', () => {
  it('tracks presence, people before agents', () => {
    const presence = new Presence();
    presence.reset([jarvis]);
    presence.apply({ type: 'presence', spaceId: 'main', timite: bob, state: 'online' });
    presence.apply({ type: 'presence', spaceId: 'main', timite: alice, state: 'online' });
    presence.apply({ type: 'presence', spaceId: 'main', timite: bob, state: 'offline' });
    expect(presence.online().map((timite) => timite.nick)).toEqual(['alice', 'Jarvis']);
  });
});
