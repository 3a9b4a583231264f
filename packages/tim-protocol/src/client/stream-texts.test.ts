import type { StreamEndEvent, StreamEvent, Timite, Update } from '../schemas/entities';
import { StreamTexts } from './stream-texts';

const JARVIS: Timite = { id: 7, nick: 'jarvis', kind: 'agent' };
const ADA: Timite = { id: 1, nick: 'ada', kind: 'human' };

function chunk(offset: number, text: string, streamId = 'stream-0001'): StreamEvent {
  return { type: 'stream', spaceId: 'main', streamId, author: JARVIS, clientMsgId: 'c-1', offset, text };
}

function ended(reason: StreamEndEvent['reason'], updateId?: number, streamId = 'stream-0001'): StreamEndEvent {
  return {
    type: 'stream_end',
    spaceId: 'main',
    streamId,
    author: JARVIS,
    reason,
    ...(updateId === undefined ? {} : { updateId }),
  };
}

function finalMessage(updateId: number, streamId = 'stream-0001'): Update {
  const at = '2026-12-03T12:00:00.000Z';
  return {
    id: updateId,
    spaceId: 'main',
    at,
    event: {
      type: 'message',
      message: {
        id: 100 + updateId,
        spaceId: 'main',
        sender: JARVIS,
        content: 'Hello there',
        mentions: [],
        createdAt: at,
        clientMsgId: 'c-1',
        stream: { id: streamId, end: 'finished' },
      },
    },
  };
}

describe('StreamTexts', () => {
  it('grows a text chunk by chunk, counting offsets in code points', () => {
    const texts = new StreamTexts();
    expect(texts.apply(chunk(0, 'Hé 🙂'))).toBe(true);
    expect(texts.apply(chunk(4, ' there'))).toBe(true);
    expect(texts.get('stream-0001')).toMatchObject({ text: 'Hé 🙂 there', length: 10 });
  });

  it('ignores a chunk that does not continue the text, until a whole text (offset 0) arrives', () => {
    const texts = new StreamTexts();
    texts.apply(chunk(0, 'Hello'));
    expect(texts.apply(chunk(9, 'lost before me'))).toBe(false);
    expect(texts.get('stream-0001')?.text).toBe('Hello');
    expect(texts.apply(chunk(0, 'Hello, world and more'))).toBe(true);
    expect(texts.apply(chunk(21, '!'))).toBe(true);
    expect(texts.get('stream-0001')?.text).toBe('Hello, world and more!');
  });

  it('does not start a stream from the middle: the first chunk it sees must have offset 0', () => {
    const texts = new StreamTexts();
    expect(texts.apply(chunk(5, ' world'))).toBe(false);
    expect(texts.inSpace('main')).toEqual([]);
  });

  it('keeps an ended text until its final message arrives, then removes it for good', () => {
    const texts = new StreamTexts();
    texts.apply(chunk(0, 'Hello there'));
    expect(texts.apply(ended('finished', 12))).toBe(true);
    expect(texts.inSpace('main')).toHaveLength(1);
    expect(texts.settle(finalMessage(12))).toBe(true);
    expect(texts.inSpace('main')).toEqual([]);
    // A late or repeated chunk cannot bring it back.
    expect(texts.apply(chunk(0, 'Hello there'))).toBe(false);
    expect(texts.inSpace('main')).toEqual([]);
  });

  it('never shows a stream whose final message came first', () => {
    const texts = new StreamTexts();
    texts.settle(finalMessage(12));
    expect(texts.apply(chunk(0, 'Hello there'))).toBe(false);
    expect(texts.apply(ended('finished', 12))).toBe(false);
    expect(texts.inSpace('main')).toEqual([]);
  });

  it('drops a stream that ended without a message (aborted, failed, lost)', () => {
    const texts = new StreamTexts();
    texts.apply(chunk(0, 'Let me think'));
    expect(texts.apply(ended('aborted'))).toBe(true);
    expect(texts.inSpace('main')).toEqual([]);
  });

  it('keeps spaces apart and forgets a space on request', () => {
    const texts = new StreamTexts();
    texts.apply(chunk(0, 'in main'));
    texts.apply({ ...chunk(0, 'in garden', 'stream-0002'), spaceId: 'garden', author: ADA });
    expect(texts.inSpace('garden').map((stream) => stream.text)).toEqual(['in garden']);
    texts.forgetSpace('main');
    expect(texts.inSpace('main')).toEqual([]);
    expect(texts.inSpace('garden')).toHaveLength(1);
  });
});
