import { toOutboundFrame } from '../../realtime/outbound-frame';
import { createOutboundQueue, type OutboundSocket } from './outbound-queue';

/** A socket whose buffer only drains when the test says so. */
function createFakeSocket() {
  const pending: Array<{ text: string; callback: (err?: Error) => void }> = [];
  const sent: string[] = [];
  let throwOnSend = false;
  const socket: OutboundSocket & { drainOne(): void; failNext(): void } = {
    get bufferedAmount() {
      return pending.reduce((sum, entry) => sum + Buffer.byteLength(entry.text), 0);
    },
    send(text, callback) {
      if (throwOnSend) throw new Error('socket is gone');
      pending.push({ text, callback });
      sent.push(text);
    },
    drainOne() {
      pending.shift()?.callback();
    },
    failNext() {
      throwOnSend = true;
    },
  };
  return { socket, sent };
}

const frame = (n: number) => toOutboundFrame({ type: 'subscribed', spaceId: 'main', headId: n });

describe('createOutboundQueue', () => {
  it('holds frames while the socket buffer is above the high-water mark and sends them in order as it drains', () => {
    const { socket, sent } = createFakeSocket();
    const queue = createOutboundQueue({ socket, maxBacklogBytes: 10_000, socketHighWaterBytes: 1, onOverflow: jest.fn(), onSendError: jest.fn() });
    for (let n = 1; n <= 3; n += 1) queue.enqueue(frame(n));
    expect(sent).toHaveLength(1);
    socket.drainOne();
    socket.drainOne();
    expect(sent.map((text) => JSON.parse(text).headId)).toEqual([1, 2, 3]);
  });

  it('reports overflow once the backlog, including the socket buffer, passes the limit, and drops the rest', () => {
    const { socket } = createFakeSocket();
    const onOverflow = jest.fn();
    const queue = createOutboundQueue({ socket, maxBacklogBytes: 200, socketHighWaterBytes: 1, onOverflow, onSendError: jest.fn() });
    for (let n = 1; n <= 10; n += 1) queue.enqueue(frame(n));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(queue.queuedBytes).toBe(0);
  });

  it('turns a throwing send into one onSendError and stops, without throwing to the caller', () => {
    const { socket } = createFakeSocket();
    const onSendError = jest.fn();
    const queue = createOutboundQueue({ socket, maxBacklogBytes: 10_000, onOverflow: jest.fn(), onSendError });
    socket.failNext();
    expect(() => queue.enqueue(frame(1))).not.toThrow();
    queue.enqueue(frame(2));
    expect(onSendError).toHaveBeenCalledTimes(1);
  });
});
