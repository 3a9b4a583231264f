import { MessageEvent, type Message } from '@tim/protocol';
import { buildUpdateFrame } from '../targets/update-frame';
import { readUpdateFast, readUpdateFromText, readUpdateStrict } from './read-update';

describe('readUpdateFromText', () => {
  it('reads the same id and content as a full parse of an update frame', () => {
    const frame = buildUpdateFrame({ spaceId: 'bench-7', updateId: 42, content: '1764100000000.125|41|xxxx' });
    const text = JSON.stringify(frame);
    expect(readUpdateFromText(text)).toEqual(readUpdateStrict(JSON.parse(text)));
  });

  it('reads the stream id of a streamed message, as a full parse does', () => {
    const plain = buildUpdateFrame({ spaceId: 'main', updateId: 9, content: '0a1 0a2' });
    // After content, in the order tim-code's toMessageUpdate adds them.
    const message: Message = {
      ...MessageEvent.parse(plain.update.event).message,
      clientMsgId: 'bench-3-2',
      stream: { id: 's-AbCdEfGhIjKl', end: 'finished' },
    };
    const text = JSON.stringify({ ...plain, update: { ...plain.update, event: { type: 'message', message } } });

    expect(readUpdateFromText(text)).toEqual({ updateId: 9, content: '0a1 0a2', streamId: 's-AbCdEfGhIjKl' });
    expect(readUpdateStrict(JSON.parse(text))).toEqual(readUpdateFromText(text));
    expect(readUpdateFast(JSON.parse(text))).toEqual(readUpdateFromText(text));
  });

  it('leaves other frames and other key orders to the JSON path', () => {
    expect(readUpdateFromText('{"type":"presence","spaceId":"main"}')).toBeUndefined();
    expect(readUpdateFromText('{"update":{"id":1},"type":"update"}')).toBeUndefined();
    expect(readUpdateFromText('{"type":"update","update":{"id":1,"spaceId":"main"}}')).toBeUndefined();
  });
});
