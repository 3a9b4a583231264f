import type { Timite } from '@tim/protocol';
import { ActivityNotices } from './activity';

const alice: Timite = { id: 1, nick: 'alice', kind: 'human' };
const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const bob: Timite = { id: 3, nick: 'bob', kind: 'human' };

describe('ActivityNotices', () => {
  it('says who is typing or thinking, without the reader, until idle, a message or expiry', () => {
    const notices = new ActivityNotices({ activityTtlMs: 5000 });
    notices.apply({ type: 'activity', spaceId: 'main', timite: jarvis, activity: 'thinking' }, 0);
    notices.apply({ type: 'activity', spaceId: 'main', timite: alice, activity: 'typing' }, 0);
    notices.apply({ type: 'activity', spaceId: 'main', timite: bob, activity: 'typing' }, 0);
    expect(notices.lines({ nowMs: 1000, myId: bob.id })).toEqual(['Jarvis is thinking…', 'alice is typing…']);
    notices.end(jarvis.id);
    notices.apply({ type: 'activity', spaceId: 'main', timite: bob, activity: 'idle' }, 1000);
    expect(notices.lines({ nowMs: 1000 })).toEqual(['alice is typing…']);
    expect(notices.lines({ nowMs: 6000 })).toEqual([]);
  });

  it('leaves out the timites whose message shows growing', () => {
    const notices = new ActivityNotices();
    notices.apply({ type: 'activity', spaceId: 'main', timite: jarvis, activity: 'thinking' }, 0);
    notices.apply({ type: 'activity', spaceId: 'main', timite: alice, activity: 'typing' }, 0);
    expect(notices.lines({ nowMs: 0, shownElsewhere: new Set([jarvis.id]) })).toEqual(['alice is typing…']);
  });
});
