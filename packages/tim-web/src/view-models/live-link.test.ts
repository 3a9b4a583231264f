import type { StreamEndEvent, StreamEvent, Update } from '@tim/protocol';
import { LiveLink } from './live-link';
import { createFakeClient } from './test-chat-client';
import { makeStreamEnd, makeStreamEvent, makeUpdate } from './test-updates';

describe('LiveLink', () => {
  it('sends nothing before it connects, hands events on while connected, and none after close', () => {
    const fake = createFakeClient([]);
    const link = new LiveLink(fake.client);
    expect(link.state).toBe('connecting');
    expect(link.sendActivity('main', 'typing')).toBe(false);
    expect(link.stopStream('main', 'stream-0001')).toBe(false);
    link.subscribe('main', { after: 0 });
    expect(fake.subscribed).toEqual([]);

    const updates: Update[] = [];
    const streams: Array<StreamEvent | StreamEndEvent> = [];
    const ignore = () => undefined;
    const onStream = (event: StreamEvent | StreamEndEvent) => void streams.push(event);
    link.connect({
      state: ignore,
      update: (update) => updates.push(update),
      presence: ignore,
      activity: ignore,
      stream: onStream,
      stream_end: onStream,
      abilities: ignore,
      unsubscribed: ignore,
    });
    expect(link.state).toBe('open');
    link.subscribe('main', { after: 3 });
    expect(fake.subscribed).toEqual([{ spaceId: 'main', after: 3 }]);
    expect(link.stopStream('main', 'stream-0001')).toBe(true);
    expect(fake.stopped).toEqual([{ spaceId: 'main', streamId: 'stream-0001' }]);
    fake.events.emit('update', makeUpdate(4));
    fake.events.emit('stream', makeStreamEvent('stream-0001', { text: 'Hel' }));
    fake.events.emit('stream_end', makeStreamEnd('stream-0001', { reason: 'aborted' }));
    link.close();
    fake.events.emit('update', makeUpdate(5));
    fake.events.emit('stream', makeStreamEvent('stream-0002'));
    expect(updates.map((update) => update.id)).toEqual([4]);
    expect(streams.map((event) => event.type)).toEqual(['stream', 'stream_end']);
  });
});
