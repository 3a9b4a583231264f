import type { StreamEvent } from '@tim/protocol';
import { isStreamFrameData, readStreamDeltaFromText } from './read-stream-frame';

/** A `stream` event in the order tim-code builds it (domain/streams.ts), serialised as it does. */
function streamFrame(overrides: Partial<StreamEvent> = {}): string {
  const event: StreamEvent = {
    type: 'stream',
    spaceId: 'main',
    streamId: 's-AbCdEfGhIjKlMnOp',
    author: { id: 7, nick: 'bench-sub-0', kind: 'human' },
    clientMsgId: 'bench-0-1',
    offset: 128,
    text: '0a1 0a2 ',
    ...overrides,
  };
  return JSON.stringify(event);
}

describe('readStreamDeltaFromText', () => {
  it('reads the stream id, offset and text of a stream frame', () => {
    expect(readStreamDeltaFromText(streamFrame())).toEqual({
      streamId: 's-AbCdEfGhIjKlMnOp',
      offset: 128,
      text: '0a1 0a2 ',
    });
  });

  it('reads an empty text at offset 0, as a stream opens', () => {
    expect(readStreamDeltaFromText(streamFrame({ offset: 0, text: '' }))).toEqual({
      streamId: 's-AbCdEfGhIjKlMnOp',
      offset: 0,
      text: '',
    });
  });

  it('is not misled by key names inside string values', () => {
    const frame = streamFrame({ clientMsgId: '"offset":9,"text":"x', text: 'plain' });

    expect(readStreamDeltaFromText(frame)).toEqual({ streamId: 's-AbCdEfGhIjKlMnOp', offset: 128, text: 'plain' });
  });

  it('leaves a text with escapes, and every other frame, to a full parse', () => {
    expect(readStreamDeltaFromText(streamFrame({ text: 'say "hi"' }))).toBeUndefined();
    expect(readStreamDeltaFromText(streamFrame({ text: 'line\nbreak' }))).toBeUndefined();
    expect(readStreamDeltaFromText('{"type":"stream_end","streamId":"s-AbCdEfGhIjKlMnOp"}')).toBeUndefined();
    expect(readStreamDeltaFromText('{"type":"update","update":{"id":3}}')).toBeUndefined();
  });
});

describe('isStreamFrameData', () => {
  it('tells a stream frame from its first bytes, and no other frame', () => {
    expect(isStreamFrameData(Buffer.from(streamFrame()))).toBe(true);
    expect(isStreamFrameData(Buffer.from('{"type":"stream_end","streamId":"s-AbCdEfGhIjKlMnOp"}'))).toBe(false);
    expect(isStreamFrameData(Buffer.from('{"type":"update","update":{"id":3}}'))).toBe(false);
    expect(isStreamFrameData(Buffer.from('{"type":"stream",'))).toBe(false);
  });
});
