import type { StreamEvent, Timite } from '@tim/protocol';
import { StreamViews } from './stream-views';

const JARVIS: Timite = { id: 7, nick: 'jarvis', kind: 'agent' };

function chunk(offset: number, text: string): StreamEvent {
  return { type: 'stream', spaceId: 'main', streamId: 's-0000000001', author: JARVIS, clientMsgId: 'c', offset, text };
}

describe('StreamViews', () => {
  it('holds the whole text of a stream heard from its start, as one offset-0 snapshot', () => {
    const views = new StreamViews();
    views.apply(chunk(0, 'Hé'));
    views.apply(chunk(2, ' there'));
    expect(views.snapshots()).toEqual([chunk(0, 'Hé there')]);
  });

  it('gives nobody a text with a gap until the holder sends it whole', () => {
    const views = new StreamViews();
    views.apply(chunk(5, 'middle'));
    expect(views.snapshots()).toEqual([]);
    views.apply(chunk(0, 'start'));
    views.apply(chunk(9, 'lost one before me'));
    expect(views.snapshots()).toEqual([]);
    views.apply(chunk(0, 'start and more'));
    expect(views.snapshots()).toEqual([chunk(0, 'start and more')]);
  });

  it('forgets a stream when it ends', () => {
    const views = new StreamViews();
    views.apply(chunk(0, 'text'));
    views.apply({ type: 'stream_end', spaceId: 'main', streamId: 's-0000000001', author: JARVIS, reason: 'aborted' });
    expect(views.size).toBe(0);
  });

  it('ends as lost a stream not heard of for the given time, and only that one', () => {
    let now = 0;
    const views = new StreamViews(() => now);
    views.apply(chunk(0, 'old'));
    now = 900;
    views.apply({ ...chunk(0, 'new'), streamId: 's-0000000002' });
    now = 1500;
    expect(views.expire(1000)).toEqual([
      { type: 'stream_end', spaceId: 'main', streamId: 's-0000000001', author: JARVIS, reason: 'lost' },
    ]);
    expect(views.size).toBe(1);
  });
});
