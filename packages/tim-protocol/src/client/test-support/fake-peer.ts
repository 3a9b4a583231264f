/**
 * Why this exists: TimConnection must be tested over real sockets, with the exact frames of
 * protocol v1, without tim-code (the protocol package cannot depend on the server, and the
 * server's timing would make drops, overlaps and refusals hard to stage). The fake peer is a
 * real `ws` WebSocketServer on 127.0.0.1, port 0, that sends nothing on its own: a test awaits
 * each connection and each client frame, answers with frames, and drops or closes the socket
 * exactly where the scenario needs it.
 *
 * How to extend it: when the protocol gains a frame, add a sender on FakeConnection that takes
 * the schema's type (`ServerFrame` from ../../schemas), so a scripted frame cannot drift from
 * the contract; await new client frames with `nextFrame(type)`. Keep it free of protocol logic
 * (no automatic replies): a scenario should read as the conversation it stages.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Timite, UpdateEnvelope } from '../../schemas/entities';
import { ClientFrame, type AuthFrame, type ServerFrame } from '../../schemas/frames';
import { AsyncQueue, withTimeout } from './waiting';

const DEFAULT_TIMEOUT_MS = 2000;

export const ADA: Timite = { id: 1, nick: 'ada', kind: 'human' };

/** An update carrying a message event; `kind` other than 'message' stages an unknown event kind. */
export function makeUpdate(spaceId: string, id: number, kind = 'message'): UpdateEnvelope {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString();
  if (kind !== 'message') return { id, spaceId, at, event: { type: kind, note: 'from a newer server' } };
  const message = { id: 1000 + id, spaceId, sender: ADA, content: `message ${id}`, mentions: [], createdAt: at };
  return { id, spaceId, at, event: { type: 'message', message } };
}

export class FakeConnection {
  private readonly frames = new AsyncQueue<ClientFrame>();
  /** Resolves with the close code once the socket is closed, whoever closed it. */
  readonly closed: Promise<number>;

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      // The client must send only valid client frames; anything else fails the awaiting test.
      this.frames.push(ClientFrame.parse(JSON.parse(isBinary ? '' : data.toString())));
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** The next frame the client sent; rejects if it is of another type. */
  async nextFrame<T extends ClientFrame['type']>(
    type: T,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Extract<ClientFrame, { type: T }>> {
    const frame = await this.frames.next(`a '${type}' frame from the client`, timeoutMs);
    if (frame.type !== type) throw new Error(`Expected a '${type}' frame, got ${JSON.stringify(frame)}`);
    return frame as Extract<ClientFrame, { type: T }>;
  }

  /**
   * Awaits the auth frame and answers 'ready', announcing `heartbeatMs` (as servers with ping
   * frames do) and `extensions` (as servers with streams do) when given.
   */
  async authenticate(
    timite: Timite = ADA,
    { heartbeatMs, extensions }: { heartbeatMs?: number; extensions?: string[] } = {},
  ): Promise<AuthFrame> {
    const auth = await this.nextFrame('auth');
    this.send({
      type: 'ready',
      timite,
      ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
      ...(extensions === undefined ? {} : { extensions }),
    });
    return auth;
  }

  send(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Sends text as is: invalid JSON, unknown frame types. */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  sendUpdates(spaceId: string, ids: number[]): void {
    for (const id of ids) this.send({ type: 'update', update: makeUpdate(spaceId, id) });
  }

  /** Closes with a close frame, as the server does for 4401, 4008, … */
  closeWith(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame, as a crash or network loss does (client sees 1006). */
  drop(): void {
    this.socket.terminate();
  }
}

export interface FakePeer {
  /** `http://127.0.0.1:PORT`, the client's baseUrl. */
  baseUrl: string;
  /** The next connection the client opened, in order of arrival. */
  nextConnection(timeoutMs?: number): Promise<FakeConnection>;
  /** How many connections were opened so far. */
  connectionCount(): number;
  /** Terminates every connection and stops listening. */
  close(): Promise<void>;
}

export async function startFakePeer(): Promise<FakePeer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/api/v1/ws' });
  const connections = new AsyncQueue<FakeConnection>();
  let count = 0;
  server.on('connection', (socket) => {
    count += 1;
    connections.push(new FakeConnection(socket));
  });
  await withTimeout(
    new Promise<void>((resolve) => server.once('listening', resolve)),
    'the fake peer to listen',
    DEFAULT_TIMEOUT_MS,
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    nextConnection: (timeoutMs = DEFAULT_TIMEOUT_MS) => connections.next('a connection from the client', timeoutMs),
    connectionCount: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of server.clients) client.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
