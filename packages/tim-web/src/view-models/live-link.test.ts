import type { Update } from '@tim/protocol';
import { LiveLink } from './live-link';
import { createFakeClient } from './test-chat-client';
import { makeUpdate } from './test-updates';

describe('LiveLink', () => {
  it('sends nothing before it connects, hands events on while connected, and none after close', () => {
    const fake = createFakeClient([]);
    const link = new LiveLink(fake.client);
    expect(link.state).toBe('connecting');
    expect(link.sendActivity('main', 'typing')).toBe(false);
    link.subscribe('main', { after: 0 });
    expect(fake.subscribed).toEqual([]);

    const updates: Update[] = [];
    const ignore = () => undefined;
    link.connect({ state: ignore, update: (update) => updates.push(update), presence: ignore, activity: ignore });
    expect(link.state).toBe('open');
    link.subscribe('main', { after: 3 });
    expect(fake.subscribed).toEqual([{ spaceId: 'main', after: 3 }]);
    fake.events.emit('update', makeUpdate(4));
    link.close();
    fake.events.emit('update', makeUpdate(5));
    expect(updates.map((update) => update.id)).toEqual([4]);
  });
});
