import type { Activity, ConnectionState } from '@tim/protocol';
import { TypingAnnouncer } from './typing';

function createAnnouncer() {
  const sent: Activity[] = [];
  const clock = { nowMs: 0 };
  const frames = {
    state: 'open' as ConnectionState,
    sendActivity: (_spaceId: string, activity: Activity) => sent.push(activity) > 0,
  };
  const announcer = new TypingAnnouncer({ frames, now: () => clock.nowMs, intervalMs: 3000 });
  return { announcer, frames, sent, clock };
}

describe('TypingAnnouncer', () => {
  it('lets one typing frame out per interval, and again at once after a message is sent', () => {
    const { announcer, sent, clock } = createAnnouncer();
    announcer.noteTyping('main');
    clock.nowMs = 1000;
    announcer.noteTyping('main');
    expect(sent).toEqual(['typing']);
    clock.nowMs = 3000;
    announcer.noteTyping('main');
    expect(sent).toEqual(['typing', 'typing']);
    announcer.stop('main');
    clock.nowMs = 3100;
    announcer.noteTyping('main');
    expect(sent).toEqual(['typing', 'typing', 'idle', 'typing']);
  });

  it('announces nothing while the connection is not open', () => {
    const { announcer, frames, sent } = createAnnouncer();
    frames.state = 'reconnecting';
    announcer.noteTyping('main');
    expect(sent).toEqual([]);
    frames.state = 'open';
    announcer.noteTyping('main');
    expect(sent).toEqual(['typing']);
  });
});
