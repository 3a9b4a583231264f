import { buildUpdateFrame } from '../targets/update-frame';
import { readUpdateFromText, readUpdateStrict } from './read-update';

describe('readUpdateFromText', () => {
  it('reads the same id and content as a full parse of an update frame', () => {
    const frame = buildUpdateFrame({ spaceId: 'bench-7', updateId: 42, content: '1764100000000.125|41|xxxx' });
    const text = JSON.stringify(frame);
    expect(readUpdateFromText(text)).toEqual(readUpdateStrict(JSON.parse(text)));
  });

  it('leaves other frames and other key orders to the JSON path', () => {
    expect(readUpdateFromText('{"type":"presence","spaceId":"main"}')).toBeUndefined();
    expect(readUpdateFromText('{"update":{"id":1},"type":"update"}')).toBeUndefined();
    expect(readUpdateFromText('{"type":"update","update":{"id":1,"spaceId":"main"}}')).toBeUndefined();
  });
});
