import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import type { ServerFrame } from '@tim/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { toOutboundFrame } from './outbound-frame';

const errorFrame = (message: string): ServerFrame => ({ type: 'error', code: 'invalid_request', message });

describe('toOutboundFrame', () => {
  let server: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Writes the wire bytes straight to a server-side TCP socket; a ws client reads them. */
  async function sendRaw(wire: Buffer): Promise<{ text: string; isBinary: boolean }> {
    const client = new WebSocket(url);
    const serverSide = await new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const received = new Promise<{ text: string; isBinary: boolean }>((resolve) =>
      client.once('message', (data: Buffer, isBinary) => resolve({ text: data.toString('utf8'), isBinary })),
    );
    const raw: unknown = Reflect.get(serverSide, '_socket');
    if (!(raw instanceof Socket)) throw new Error('ws no longer keeps its socket in _socket');
    raw.write(wire);
    const result = await received;
    client.terminate();
    return result;
  }

  it.each([
    ['under 126 bytes (7-bit length)', 10],
    ['of 126 to 65 535 bytes (16-bit length)', 300],
    ['of 65 536 bytes or more (64-bit length)', 70_000],
  ])('encodes a payload %s as one text frame a WebSocket client reads back', async (_, messageLength) => {
    const frame = errorFrame('é'.repeat(messageLength / 2));
    const outbound = toOutboundFrame(frame);

    expect(outbound.bytes).toBe(Buffer.byteLength(JSON.stringify(frame)));
    expect(outbound.data.toString('utf8')).toBe(JSON.stringify(frame));
    expect(await sendRaw(outbound.wire)).toEqual({ text: JSON.stringify(frame), isBinary: false });
  });
});
