import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  addAgent,
  createApp,
  createLocalBus,
  createSilentLogger,
  createSqliteStorage,
  loadConfig,
  type Config,
} from '@tim/code';
import {
  TimClient,
  type ActivityEvent,
  type Message,
  type TimConnection,
  type WebSocketConstructor,
} from '@tim/protocol';
import type { TestAgent } from './agents';

/** A real tim-code in this process: port 0, SQLite in a fresh temp dir. */
export interface TestTim {
  baseUrl: string;
  /** Provisions an agent the way `tim-code agent add` does and returns its token. */
  addAgent(nick: string): Promise<string>;
  /** Registers a human and returns a client holding its session key. */
  addHuman(nick: string): Promise<TimClient>;
  close(): Promise<void>;
}

export interface StartTimOptions {
  /** The server's clock, for message timestamps and sessions. @default () => new Date() */
  now?: () => Date;
}

export async function startTim(config: Partial<Config> = {}, options: StartTimOptions = {}): Promise<TestTim> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tim-agent-test-'));
  const loaded = loadConfig({ TIM_PORT: '0', TIM_HOST: '127.0.0.1', TIM_DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const storage = createSqliteStorage({ file: join(dataDir, 'tim.db') });
  const bus = createLocalBus();
  const app = await createApp({
    config: { ...loaded.config, ...config },
    storage,
    bus,
    logger: createSilentLogger(),
    ...(options.now && { now: options.now }),
  });
  return {
    baseUrl: app.url,
    async addAgent(nick) {
      return (await addAgent(storage, nick, new Date())).token;
    },
    async addHuman(nick) {
      const client = new TimClient({ baseUrl: app.url, WebSocket: WebSocket as unknown as WebSocketConstructor });
      await client.register({ nick, password: 'correct horse battery' });
      return client;
    },
    async close() {
      await app.close();
      await bus.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every message of a space, oldest first (tests stay well below one page). */
export async function readMessages(client: TimClient, spaceId = 'main'): Promise<Message[]> {
  const page = await client.readUpdates(spaceId, { after: 0, limit: 500 });
  return page.updates.flatMap((update) => (update.event.type === 'message' ? [update.event.message] : []));
}

/**
 * Waits until the space is quiet: every agent logged `caught up` through the server's head
 * (every update handled, no turn running or waiting), and the head did not move meanwhile.
 * Evidence, not a sleep: a turn can only start from an update, so nothing more will come.
 */
export async function waitForQuiet(client: TimClient, agents: readonly TestAgent[], spaceId = 'main'): Promise<number> {
  for (let round = 0; round < 50; round += 1) {
    const headId = (await client.readUpdates(spaceId, { after: 0, limit: 1 })).headId;
    await Promise.all(agents.map((agent) => agent.whenCaughtUp(spaceId, headId)));
    if ((await client.readUpdates(spaceId, { after: 0, limit: 1 })).headId === headId) return headId;
  }
  throw new Error(`${spaceId} did not become quiet within 50 rounds`);
}

/** Records the activity events a human's live connection receives. */
export function recordActivity(subscription: TimConnection): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  subscription.on('activity', (event) => events.push(event));
  return events;
}

/** Resolves once the subscription confirmed `spaceId`. */
export function subscribed(subscription: TimConnection, spaceId = 'main', timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no 'subscribed' for ${spaceId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = subscription.on('subscribed', (event) => {
      if (event.spaceId !== spaceId) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/**
 * A `ws` WebSocket whose new connections can be held back: while the gate is shut, every
 * (re)connect goes to a closed port and fails, so a test can post while an agent is surely
 * disconnected, then let it resume.
 */
export function createGatedWebSocket(): {
  WebSocket: WebSocketConstructor;
  sockets: WebSocket[];
  setOpen(isOpen: boolean): void;
  /** Shuts the gate and cuts the newest connection; resolves once it closed. */
  cutOff(): Promise<void>;
} {
  const sockets: WebSocket[] = [];
  let isOpen = true;
  class GatedWebSocket extends WebSocket {
    constructor(url: string) {
      super(isOpen ? url : 'ws://127.0.0.1:1/api/v1/ws');
      sockets.push(this);
    }
  }
  return {
    WebSocket: GatedWebSocket as unknown as WebSocketConstructor,
    sockets,
    setOpen(next) {
      isOpen = next;
    },
    async cutOff() {
      isOpen = false;
      const connection = sockets.at(-1);
      if (connection === undefined) throw new Error('no socket was opened through the gate');
      const closed = once(connection, 'close');
      connection.terminate();
      await closed;
    },
  };
}

/**
 * A `ws` WebSocket that makes tim-code look like a server from before streaming messages
 * (protocol section 7): each stream frame reaches it under a type it does not know, which it
 * answers exactly as such a server answers `stream_open`, with `invalid_request` and no
 * `clientMsgId`. `disguised` counts the frames that went out so.
 */
export function createWebSocketWithoutStreams(): { WebSocket: WebSocketConstructor; disguised: string[] } {
  const disguised: string[] = [];
  class WithoutStreams extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      Reflect.apply(super.send, this, [disguise(data), ...rest]);
    }
  }
  function disguise(data: unknown): unknown {
    if (typeof data !== 'string') return data;
    const frame = JSON.parse(data) as { type?: unknown };
    if (typeof frame.type !== 'string' || !frame.type.startsWith('stream_')) return data;
    disguised.push(frame.type);
    return JSON.stringify({ ...frame, type: `unknown_${frame.type}` });
  }
  return { WebSocket: WithoutStreams as unknown as WebSocketConstructor, disguised };
}
