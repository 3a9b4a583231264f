import type { Timite } from '@tim/protocol';
import { streamNote, timelineItems } from './chat-view';
import type { GrowingMessage } from './growing-messages';
import type { OutboxItem } from './outbox';
import { makeUpdate } from './test-updates';
import type { TimelineEntry } from './timeline';

const jarvis: Timite = { id: 2, nick: 'Jarvis', kind: 'agent' };
const ann: Timite = { id: 7, nick: 'ann', kind: 'human' };
const nickOf = (id: number) => [jarvis, ann].find((timite) => timite.id === id)?.nick;

function entry(id: number, stream?: TimelineEntry['message']['stream']): TimelineEntry {
  const update = makeUpdate(id, { sender: jarvis, ...(stream === undefined ? {} : { stream }) });
  if (update.event.type !== 'message') throw new Error('makeUpdate makes messages');
  return { updateId: id, message: update.event.message };
}

function writing(streamId: string): GrowingMessage {
  return { streamId, author: jarvis, text: `text of ${streamId}`, isWriting: true, isStopping: false };
}

const pending: OutboxItem = { clientMsgId: 'c1', spaceId: 'main', content: 'mine', status: 'pending' };

describe('timelineItems', () => {
  it('shows messages, then the reader’s unconfirmed ones, then the messages being written', () => {
    const items = timelineItems({
      entries: [entry(1), entry(2, { id: 'stream-aaaa', end: 'finished' })],
      pending: [pending],
      growing: [writing('stream-cccc'), writing('stream-bbbb')],
      hasNewer: false,
      myId: ann.id,
      nickOf,
    });
    expect(items.map((item) => [item.key, item.kind])).toEqual([
      ['u1', 'message'],
      ['sstream-aaaa', 'message'],
      ['cc1', 'outbox'],
      ['sstream-cccc', 'stream'],
      ['sstream-bbbb', 'stream'],
    ]);
  });

  it('gives a final message its stream’s key, and drops the growing text once the message is in', () => {
    const items = timelineItems({
      entries: [entry(3, { id: 'stream-aaaa', end: 'stopped', stoppedBy: ann.id })],
      pending: [],
      growing: [writing('stream-aaaa')],
      hasNewer: false,
      myId: ann.id,
      nickOf,
    });
    expect(items).toEqual([
      expect.objectContaining({ key: 'sstream-aaaa', kind: 'message', streamNote: 'stopped by ann' }),
    ]);
  });

  it('leaves unconfirmed and growing messages out while the window does not reach the newest', () => {
    const items = timelineItems({
      entries: [entry(1)],
      pending: [pending],
      growing: [writing('stream-aaaa')],
      hasNewer: true,
      myId: ann.id,
      nickOf,
    });
    expect(items.map((item) => item.key)).toEqual(['u1']);
  });
});

describe('streamNote', () => {
  it('names who stopped a stream when known, and says when one was cut short', () => {
    expect(streamNote({ id: 'stream-aaaa', end: 'finished' }, nickOf)).toBeUndefined();
    expect(streamNote({ id: 'stream-aaaa', end: 'stopped', stoppedBy: ann.id }, nickOf)).toBe('stopped by ann');
    expect(streamNote({ id: 'stream-aaaa', end: 'stopped', stoppedBy: 99 }, nickOf)).toBe('stopped');
    expect(streamNote({ id: 'stream-aaaa', end: 'stopped' }, nickOf)).toBe('stopped');
    expect(streamNote({ id: 'stream-aaaa', end: 'timed_out' }, nickOf)).toBe('interrupted');
    expect(streamNote({ id: 'stream-aaaa', end: 'disconnected' }, nickOf)).toBe('interrupted');
  });
});
