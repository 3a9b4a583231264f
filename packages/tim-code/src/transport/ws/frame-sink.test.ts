import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { toOutboundFrame } from '../../realtime/outbound-frame';
import { createFrameSink } from './frame-sink';

const frame = toOutboundFrame({ type: 'subscribed', spaceId: 'main', headId: 7 });
const sizedFrame = (messageLength: number) =>
  toOutboundFrame({ type: 'error', code: 'invalid_request', message: 'é'.repeat(messageLength / 2) });

describe('createFrameSink', () => {
  // Upgrades as ws-server.ts takes them: the HTTP server's socket handed to handleUpgrade.
  let http: Server;
  const wss = new WebSocketServer({ noServer: true });
  const accepted: Array<{ serverSide: WebSocket; upgradeSocket: Socket }> = [];
  let url: string;
  beforeAll(async () => {
    http = createServer();
    http.on('upgrade', (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (serverSide) =>
        accepted.push({ serverSide, upgradeSocket: socket as Socket }),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    wss.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  async function connectedPair(): Promise<{ client: WebSocket; serverSide: WebSocket; upgradeSocket: Socket }> {
    const client = new WebSocket(url);
    await new Promise((resolve) => client.once('open', resolve));
    const pair = accepted.shift();
    if (pair === undefined) throw new Error('the upgrade was not accepted');
    return { client, ...pair };
  }

  // A ws client reads each of the three header lengths back, so the framing is ws's own.
  it.each([10, 300, 70_000])(
    'delivers a frame of a %i-character message as the client reads it',
    async (messageLength) => {
      const { client, serverSide, upgradeSocket } = await connectedPair();
      const sized = sizedFrame(messageLength);
      const received = new Promise<{ text: string; isBinary: boolean }>((resolve) =>
        client.once('message', (data: Buffer, isBinary) => resolve({ text: data.toString('utf8'), isBinary })),
      );
      createFrameSink(serverSide, upgradeSocket).writeFrame(sized);
      expect(await received).toEqual({ text: sized.data.toString('utf8'), isBinary: false });
      client.terminate();
    },
  );

  // The guards for a ws upgrade: ws must still write its frames straight to the upgrade socket,
  // and the frame tim pre-builds must stay what ws itself writes there.
  it.each([10, 300, 70_000])(
    'holds the bytes ws writes to the upgrade socket for the same %i-character message',
    async (messageLength) => {
      const { client, serverSide, upgradeSocket } = await connectedPair();
      const sized = sizedFrame(messageLength);
      const written: Buffer[] = [];
      const write = jest.spyOn(upgradeSocket, 'write').mockImplementation((chunk: unknown) => {
        written.push(Buffer.from(chunk as Uint8Array));
        return true;
      });
      serverSide.send(sized.data, { binary: false });
      write.mockRestore();
      expect(Buffer.concat(written).equals(sized.wire)).toBe(true);
      client.terminate();
    },
  );

  it('writes to the TCP socket under the WebSocket, not through send', async () => {
    const { client, serverSide, upgradeSocket } = await connectedPair();
    const received = new Promise((resolve) => client.once('message', resolve));
    const send = jest.spyOn(serverSide, 'send');
    const write = jest.spyOn(upgradeSocket, 'write');
    createFrameSink(serverSide, upgradeSocket).writeFrame(frame);
    await received;
    expect(send).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalledWith(frame.wire, undefined);
    client.terminate();
  });

  it('writes the pre-built frame to the socket under the WebSocket, corked frames in one go', async () => {
    const { client, serverSide, upgradeSocket } = await connectedPair();
    const received: string[] = [];
    const both = new Promise<void>((resolve) =>
      client.on('message', (data: Buffer) => {
        received.push(data.toString('utf8'));
        if (received.length === 2) resolve();
      }),
    );
    const sink = createFrameSink(serverSide, upgradeSocket);
    sink.cork();
    sink.writeFrame(frame);
    sink.writeFrame(frame);
    sink.uncork();
    await both;
    expect(received).toEqual([frame.data.toString('utf8'), frame.data.toString('utf8')]);
    client.terminate();
  });

  it('counts as buffered what ws counts: the corked bytes, and nothing once they left', async () => {
    const { client, serverSide, upgradeSocket } = await connectedPair();
    const sink = createFrameSink(serverSide, upgradeSocket);
    const arrived = new Promise((resolve) => client.once('message', resolve));
    sink.cork();
    sink.writeFrame(frame);
    expect(sink.bufferedAmount).toBe(frame.wire.length);
    expect(sink.bufferedAmount).toBe(serverSide.bufferedAmount);
    sink.uncork();
    await arrived;
    expect(sink.bufferedAmount).toBe(0);
    client.terminate();
  });

  it('refuses frames once the WebSocket is closing, telling the callback and writing nothing', async () => {
    const { client, serverSide, upgradeSocket } = await connectedPair();
    const received: unknown[] = [];
    client.on('message', (data) => received.push(data));
    const sink = createFrameSink(serverSide, upgradeSocket);
    serverSide.close(1000, 'bye');
    const refusal = await new Promise<Error | null | undefined>((resolve) => sink.writeFrame(frame, resolve));
    expect(String(refusal)).toContain('not open');
    await new Promise((resolve) => client.once('close', resolve));
    expect(received).toEqual([]);
  });

  it('goes through send when it is given no TCP socket', () => {
    const sent: Array<{ data: Buffer; binary: boolean }> = [];
    const stand = {
      bufferedAmount: 0,
      send: (data: Buffer, options: { binary: boolean }) => sent.push({ data, binary: options.binary }),
    };
    const sink = createFrameSink(stand as unknown as WebSocket, undefined);
    sink.cork();
    sink.writeFrame(frame);
    sink.uncork();
    expect(sent).toEqual([{ data: frame.data, binary: false }]);
  });
});
