import type { Timite } from '@tim/protocol';
import { GrowingMessages } from './growing-messages';
import { makeStreamEnd, makeStreamEvent, makeUpdate } from './test-updates';

const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const echo: Timite = { id: 3, nick: 'echo', kind: 'agent' };

describe('GrowingMessages', () => {
  it('shows the streams of its space in the order they started, growing by the offset rule', () => {
    const growing = new GrowingMessages('main');
    expect(growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: ' Hel' }))).toBe(true);
    growing.apply(makeStreamEvent('stream-bbbb', { author: echo, text: 'Echo' }));
    growing.apply(makeStreamEvent('stream-cccc', { spaceId: 'side', text: 'elsewhere' }));
    growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, offset: 4, text: 'lo ' }));
    // A frame after a lost one is ignored until the next offset 0.
    expect(growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, offset: 99, text: '??' }))).toBe(false);
    expect(growing.shown()).toEqual([
      { streamId: 'stream-aaaa', author: jarvis, text: 'Hello', isWriting: true, isStopping: false },
      { streamId: 'stream-bbbb', author: echo, text: 'Echo', isWriting: true, isStopping: false },
    ]);
    expect(growing.authorIds()).toEqual(new Set([jarvis.id, echo.id]));
  });

  it('keeps the text after the end until the final message takes its place, and drops one that ends without', () => {
    const growing = new GrowingMessages('main');
    growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello' }));
    growing.apply(makeStreamEvent('stream-bbbb', { author: echo, text: 'Echo' }));
    growing.apply(makeStreamEnd('stream-aaaa', { author: jarvis, updateId: 5 }));
    expect(growing.shown().map((stream) => [stream.streamId, stream.isWriting])).toEqual([
      ['stream-aaaa', false],
      ['stream-bbbb', true],
    ]);
    expect(growing.apply(makeStreamEnd('stream-bbbb', { author: echo, reason: 'aborted' }))).toBe(true);
    const final = makeUpdate(5, { sender: jarvis, content: 'Hello', stream: { id: 'stream-aaaa', end: 'finished' } });
    expect(growing.settle(final)).toBe(true);
    expect(growing.shown()).toEqual([]);
    // A late frame of a settled stream does not bring it back.
    expect(growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello' }))).toBe(false);
    expect(growing.settle(makeUpdate(6))).toBe(false);
  });

  it('marks a stream the reader stopped until it ends, and never one that already ended', () => {
    const growing = new GrowingMessages('main');
    growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello' }));
    growing.apply(makeStreamEvent('stream-bbbb', { author: echo, text: 'Echo' }));
    growing.apply(makeStreamEnd('stream-bbbb', { author: echo, updateId: 4 }));
    growing.noteStopping('stream-aaaa');
    growing.noteStopping('stream-bbbb');
    growing.noteStopping('stream-zzzz');
    expect(growing.shown().map((stream) => stream.isStopping)).toEqual([true, false]);
    expect(growing.apply(makeStreamEnd('stream-aaaa', { author: jarvis, reason: 'stopped', updateId: 5 }))).toBe(true);
    expect(growing.shown().map((stream) => stream.isStopping)).toEqual([false, false]);
  });

  it('forgets its streams when the connection comes back, for the server to send the open ones again', () => {
    const growing = new GrowingMessages('main');
    growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello' }));
    growing.noteStopping('stream-aaaa');
    growing.restart();
    expect(growing.shown()).toEqual([]);
    growing.apply(makeStreamEvent('stream-aaaa', { author: jarvis, text: 'Hello again' }));
    expect(growing.shown()).toEqual([
      { streamId: 'stream-aaaa', author: jarvis, text: 'Hello again', isWriting: true, isStopping: false },
    ]);
  });
});
