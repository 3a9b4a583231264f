import { ServerFrame, type UpdateFrame } from '@tim/protocol';
import WebSocket, { type ClientOptions } from 'ws';

/** A partial frame: a frame matches when every given field (deeply) equals the frame's. */
export type FrameMatch = Record<string, unknown>;

function matches(value: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return Object.is(value, pattern);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([key, expected]) => matches((value as Record<string, unknown>)[key], expected));
}

interface Waiter {
  match: FrameMatch;
  resolve: (frame: ServerFrame) => void;
}

/**
 * A real `ws` client that keeps every frame it receives (parsed with the protocol's
 * ServerFrame schema) until a test takes it with `nextFrame`.
 */
export class TestSocket {
  readonly inbox: ServerFrame[] = [];
  readonly invalid: string[] = [];
  /** Socket errors (e.g. a reset), kept for the test to inspect. */
  readonly errors: Error[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<Waiter>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      const parsed = ServerFrame.safeParse(JSON.parse(text));
      if (!parsed.success) {
        this.invalid.push(text);
        return;
      }
      this.inbox.push(parsed.data);
      for (const waiter of this.waiters) this.offer(waiter);
    });
    ws.on('error', (err) => this.errors.push(err));
  }

  static open(url: string, options: ClientOptions = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Opens, authenticates and waits for `ready`. */
  static async connect(url: string, key: string): Promise<TestSocket> {
    const socket = await TestSocket.open(url);
    socket.send({ type: 'auth', key });
    await nextFrame(socket, { type: 'ready' });
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async subscribe(spaceId: string, options: { after?: number; receiveOwnMessages?: boolean } = {}): Promise<number> {
    this.send({ type: 'subscribe', spaceId, ...options });
    const frame = await nextFrame(this, { type: 'subscribed', spaceId });
    return frame.type === 'subscribed' ? frame.headId : -1;
  }

  /** Takes the first kept frame that matches, or waits for one. */
  take(match: FrameMatch, timeoutMs: number): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for a frame matching ${JSON.stringify(match)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      this.offer(waiter);
    });
  }

  private offer(waiter: Waiter): void {
    const index = this.inbox.findIndex((frame) => matches(frame, waiter.match));
    if (index === -1) return;
    const [frame] = this.inbox.splice(index, 1);
    if (frame !== undefined) waiter.resolve(frame);
  }

  /** Update ids received for a space so far, in arrival order, taken from the inbox. */
  takeUpdateIds(spaceId: string): number[] {
    const ids: number[] = [];
    for (let index = 0; index < this.inbox.length;) {
      const frame = this.inbox[index];
      if (frame?.type === 'update' && frame.update.spaceId === spaceId) {
        ids.push(frame.update.id);
        this.inbox.splice(index, 1);
      } else index += 1;
    }
    return ids;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export interface RefusedUpgrade {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** Attempts a WebSocket upgrade that the server must refuse; rejects if it opens instead. */
export function refusedUpgrade(url: string, options: ClientOptions = {}): Promise<RefusedUpgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        });
      });
    });
    ws.once('error', reject);
  });
}

/** The next frame matching `match`; the timeout's message names what was awaited. */
export function nextFrame(socket: TestSocket, match: FrameMatch, timeoutMs = 5000): Promise<ServerFrame> {
  return socket.take(match, timeoutMs);
}

/** Waits until `count` update frames of a space have arrived and returns their ids. */
export async function collectUpdateIds(
  socket: TestSocket,
  spaceId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < count) {
    const frame = (await nextFrame(socket, { type: 'update', update: { spaceId } }, timeoutMs)) as UpdateFrame;
    ids.push(frame.update.id);
  }
  return ids;
}
