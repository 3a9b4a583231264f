import type { Timite } from '@tim/protocol';
import { timelineItems } from './chat-view';
import type { GrowingMessage } from './growing-messages';
import type { OutboxItem } from './outbox';
import { showsTheSame, StableTimelineItems } from './stable-items';
import { makeUpdate } from './test-updates';
import type { TimelineEntry } from './timeline';

const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const ann: Timite = { id: 7, nick: 'ann', kind: 'human' };

function entry(id: number): TimelineEntry {
  const update = makeUpdate(id, { sender: jarvis });
  if (update.event.type !== 'message') throw new Error('makeUpdate makes messages');
  return { updateId: id, message: update.event.message };
}

/** What the controller builds on every change: every item a new object. */
function build(
  entries: TimelineEntry[],
  options: { pending?: OutboxItem[]; growing?: GrowingMessage[] } = {},
): ReturnType<typeof timelineItems> {
  return timelineItems({
    entries,
    pending: options.pending ?? [],
    growing: options.growing ?? [],
    hasNewer: false,
    myId: ann.id,
    nickOf: () => undefined,
  });
}

describe('StableTimelineItems', () => {
  it('keeps the items that did not change when a message arrives, and adds the new one as built', () => {
    const stable = new StableTimelineItems();
    const entries = [entry(1), entry(2)];
    const first = stable.next(build(entries));
    const arrived = build([...entries, entry(3)]);
    const second = stable.next(arrived);
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).toBe(arrived[2]);
  });

  it('hands back the same array when nothing shown changed', () => {
    const stable = new StableTimelineItems();
    const entries = [entry(1), entry(2)];
    const first = stable.next(build(entries, { growing: [grow('hel')], pending: [pending('pending')] }));
    expect(stable.next(build(entries, { growing: [grow('hel')], pending: [pending('pending')] }))).toBe(first);
  });

  it('takes the new object of an item that changed: a reply that grew, a send that failed, a message edited', () => {
    const stable = new StableTimelineItems();
    const one = entry(1);
    const first = stable.next(build([one], { growing: [grow('hel')], pending: [pending('pending')] }));
    const edited = { ...one, message: { ...one.message, content: 'edited' } };
    const changed = stable.next(build([edited], { growing: [grow('hello')], pending: [pending('failed')] }));
    expect(changed.map((item, index) => item === first[index])).toEqual([false, false, false]);
    expect(changed[0]).toMatchObject({ kind: 'message', message: { content: 'edited' } });
    expect(changed[1]).toMatchObject({ kind: 'outbox', item: { status: 'failed' } });
    expect(changed[2]).toMatchObject({ kind: 'stream', stream: { text: 'hello' } });
  });

  it('forgets items that left, so one coming back with the same key is taken as built', () => {
    const stable = new StableTimelineItems();
    const one = entry(1);
    const first = stable.next(build([one]));
    stable.next(build([]));
    const back = stable.next(build([one]));
    expect(back[0]).not.toBe(first[0]);
    expect(back[0]).toEqual(first[0]);
  });
});

function grow(text: string): GrowingMessage {
  return { streamId: 'stream-aaaa', author: jarvis, text, isWriting: true, isStopping: false };
}

function pending(status: OutboxItem['status']): OutboxItem {
  return { clientMsgId: 'c1', spaceId: 'main', content: 'mine', status };
}

describe('showsTheSame', () => {
  const message = entry(1).message;
  const item = (overrides: Record<string, unknown> = {}) =>
    ({ key: 'u1', kind: 'message', updateId: 1, message, mine: false, streamNote: undefined, ...overrides }) as const;

  it('takes an item built again from the same parts, or from a copy of its message, as the same', () => {
    expect(showsTheSame(item(), item())).toBe(true);
    expect(showsTheSame(item(), item({ message: { ...message } }))).toBe(true);
  });

  it('tells a change of any field apart, one named nowhere here too', () => {
    expect(showsTheSame(item(), item({ mine: true }))).toBe(false);
    expect(showsTheSame(item(), item({ message: { ...message, content: 'edited' } }))).toBe(false);
    expect(showsTheSame(item(), item({ message: { ...message, mentions: [2] } }))).toBe(false);
    expect(
      showsTheSame(item({ quote: { nick: 'ann', text: 'hi' } }), item({ quote: { nick: 'ann', text: 'hi' } })),
    ).toBe(true);
    expect(
      showsTheSame(item({ quote: { nick: 'ann', text: 'hi' } }), item({ quote: { nick: 'ann', text: 'ho' } })),
    ).toBe(false);
    expect(showsTheSame(item(), item({ quote: { nick: 'ann', text: 'hi' } }))).toBe(false);
  });
});
