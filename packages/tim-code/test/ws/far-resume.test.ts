import { CLOSE_SLOW_CONSUMER, type Update } from '@tim/protocol';
import WebSocket from 'ws';
import { createPostgresStorage } from '../../src/storage/postgres/postgres-storage';
import type { Storage } from '../../src/storage/storage';
import { register, send, type Member } from '../support/http';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../support/postgres';
import { startServer, UNLIMITED_RATES, waitFor, type AppStorage, type TestServer } from '../support/start-server';

/*
 * Resume from any distance: a replay is paced by the subscriber's socket, so a consumer
 * 10 000 updates of 3 KB behind (30 MB, thirty times the slow-consumer limit) catches up, and
 * so does one the server just closed with 4008 for falling behind live.
 */

const BEHIND = 10_000;
const CONTENT = 'x'.repeat(3000);

/** A raw reader that keeps only update ids, and reads as slowly as told. */
class SlowReader {
  readonly ids: number[] = [];
  headId = -1;
  closeCode: number | undefined;
  private readonly ws: WebSocket;
  private readonly ready: Promise<void>;
  private readonly watchers = new Set<() => void>();

  constructor(
    url: string,
    key: string,
    private readonly pause: { every: number; ms: number },
  ) {
    this.ws = new WebSocket(url);
    this.ready = new Promise((resolve, reject) => {
      this.ws.once('open', () => this.ws.send(JSON.stringify({ type: 'auth', key })));
      this.ws.once('error', reject);
      this.ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; headId?: number; update?: Update };
        if (frame.type === 'ready') resolve();
        else if (frame.type === 'subscribed') this.headId = frame.headId ?? -1;
        else if (frame.type === 'update' && frame.update !== undefined) this.onUpdate(frame.update.id);
        this.notify();
      });
    });
    this.ws.once('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  async subscribe(after: number | undefined): Promise<void> {
    await this.ready;
    this.ws.send(JSON.stringify({ type: 'subscribe', spaceId: 'main', after }));
  }

  get lastId(): number {
    return this.ids.at(-1) ?? 0;
  }

  /** Stops reading the socket: the kernel's buffers fill, then the server's queue. */
  stall(): void {
    this.ws.pause();
  }

  unstall(): void {
    this.ws.resume();
  }

  /** Resolves once `id` arrived; rejects if the socket closes first. */
  reach(id: number, timeoutMs: number): Promise<void> {
    return this.until(() => this.lastId >= id, `update ${id} (have ${this.lastId})`, timeoutMs, true);
  }

  closed(timeoutMs: number): Promise<void> {
    return this.until(() => this.closeCode !== undefined, 'the close', timeoutMs, false);
  }

  close(): void {
    this.ws.terminate();
  }

  private onUpdate(id: number): void {
    this.ids.push(id);
    if (this.ids.length % this.pause.every !== 0) return;
    this.ws.pause();
    setTimeout(() => this.ws.resume(), this.pause.ms);
  }

  private until(condition: () => boolean, what: string, timeoutMs: number, failOnClose: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (condition()) {
          clearTimeout(timer);
          this.watchers.delete(check);
          resolve();
        } else if (failOnClose && this.closeCode !== undefined) {
          clearTimeout(timer);
          this.watchers.delete(check);
          reject(new Error(`The socket closed with ${this.closeCode} while waiting for ${what}`));
        }
      };
      this.watchers.add(check);
      check();
    });
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

async function appendBig(storage: Storage, senderId: number): Promise<Update> {
  const result = await storage.appendMessage({
    spaceId: 'main',
    senderId,
    content: CONTENT,
    mentions: [],
    createdAt: new Date(),
    maxAgentStreak: 10,
  });
  if (result.outcome !== 'created') throw new Error(`append: ${result.outcome}`);
  return result.update;
}

const backends: Array<{ name: string; open: () => Promise<{ storage?: AppStorage; close: () => Promise<void> }> }> = [
  { name: 'SQLite', open: async () => ({ close: async () => undefined }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const storage = await createPostgresStorage({
        connectionString: TEST_DATABASE_URL,
        schema: uniqueSchemaName(),
        maxConnections: 4,
      });
      return { storage, close: () => storage.close() };
    },
  },
];

describe.each(backends)('resume from any distance on $name', ({ open }) => {
  let server: TestServer;
  let closeStorage: () => Promise<void>;
  let writer: Member;
  let reader: Member;

  beforeAll(async () => {
    const backend = await open();
    closeStorage = backend.close;
    server = await startServer({ storage: backend.storage, config: UNLIMITED_RATES });
    [writer, reader] = await Promise.all([register(server, 'writer'), register(server, 'reader')]);
    for (let n = 0; n < BEHIND; n += 1) await appendBig(server.storage, writer.timite.id);
  }, 180_000);

  afterAll(async () => {
    await server.close();
    await closeStorage();
  });

  it('replays 10 000 updates of 3 KB to a slow reader, with the updates posted meanwhile, each once and in order', async () => {
    const slow = new SlowReader(server.wsUrl, reader.key, { every: 250, ms: 20 });
    await slow.subscribe(0);
    const posted: number[] = [];
    for (let n = 0; n < 20; n += 1) posted.push((await send(server, writer, `live ${n}`)).body.updateId);
    // Posted while the replay was still on its way.
    expect(slow.lastId).toBeLessThan(BEHIND);
    const last = posted.at(-1) ?? 0;
    await slow.reach(last, 120_000);
    expect(slow.headId).toBeGreaterThanOrEqual(BEHIND);
    expect(slow.ids).toEqual(range(1, last));
    expect(slow.closeCode).toBeUndefined();
    slow.close();
  }, 150_000);

  it('lets a consumer closed with 4008 for falling behind live resume to completion', async () => {
    const live = new SlowReader(server.wsUrl, reader.key, { every: 250, ms: 20 });
    await live.subscribe(undefined);
    await waitFor(() => live.headId >= 0, 'subscribed');
    const connections = server.app.stats().connections;
    live.stall();
    // Published live until the server gives up on the stalled reader.
    while (server.app.stats().connections === connections) {
      for (let n = 0; n < 100; n += 1) {
        const update = await appendBig(server.storage, writer.timite.id);
        await server.bus.publish('main', { kind: 'update', update });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    live.unstall();
    await live.closed(30_000);
    expect(live.closeCode).toBe(CLOSE_SLOW_CONSUMER);
    const firstSeen = live.ids[0] ?? live.headId + 1;
    expect(live.ids).toEqual(range(firstSeen, live.lastId));

    const head = await server.storage.headId('main');
    expect(head - live.lastId).toBeGreaterThan(300);
    const resumed = new SlowReader(server.wsUrl, reader.key, { every: 250, ms: 20 });
    await resumed.subscribe(live.lastId);
    await resumed.reach(head, 120_000);
    expect(resumed.ids).toEqual(range(live.lastId + 1, head));
    expect(resumed.closeCode).toBeUndefined();
    resumed.close();
  }, 150_000);
});
