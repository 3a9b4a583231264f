import type { Timite } from '@tim/protocol';
import { People, TypingThrottle } from './people';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };
const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const bob: Timite = { id: 3, nick: 'bob', kind: 'human' };

describe('People', () => {
  it('tracks presence, people before agents', () => {
    const people = new People();
    people.reset([jarvis]);
    people.applyPresence({ type: 'presence', spaceId: 'main', timite: bob, state: 'online' });
    people.applyPresence({ type: 'presence', spaceId: 'main', timite: alice, state: 'online' });
    people.applyPresence({ type: 'presence', spaceId: 'main', timite: bob, state: 'offline' });
    expect(people.online().map((timite) => timite.nick)).toEqual(['alice', 'Jarvis']);
  });

  it('says who is typing or thinking, without the reader, until idle, a message or expiry', () => {
    const people = new People({ activityTtlMs: 5000 });
    people.applyActivity({ type: 'activity', spaceId: 'main', timite: jarvis, activity: 'thinking' }, 0);
    people.applyActivity({ type: 'activity', spaceId: 'main', timite: alice, activity: 'typing' }, 0);
    people.applyActivity({ type: 'activity', spaceId: 'main', timite: bob, activity: 'typing' }, 0);
    expect(people.activityLines({ nowMs: 1000, myId: bob.id })).toEqual(['Jarvis is thinking…', 'alice is typing…']);
    people.noteMessageFrom(jarvis.id);
    people.applyActivity({ type: 'activity', spaceId: 'main', timite: bob, activity: 'idle' }, 1000);
    expect(people.activityLines({ nowMs: 1000 })).toEqual(['alice is typing…']);
    expect(people.activityLines({ nowMs: 6000 })).toEqual([]);
  });
});

describe('TypingThrottle', () => {
  it('lets one typing frame out per interval, and again at once after a reset', () => {
    const throttle = new TypingThrottle({ intervalMs: 3000 });
    expect(throttle.shouldSend(0)).toBe(true);
    expect(throttle.shouldSend(1000)).toBe(false);
    expect(throttle.shouldSend(3000)).toBe(true);
    throttle.reset();
    expect(throttle.shouldSend(3100)).toBe(true);
  });
});
