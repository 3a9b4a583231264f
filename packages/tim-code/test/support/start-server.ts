import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WS_PATH } from '@tim/protocol';
import { createApp, type App } from '../../src/app';
import type { Bus } from '../../src/bus/bus';
import { createLocalBus } from '../../src/bus/local-bus';
import { loadConfig, type Config } from '../../src/config';
import { createSilentLogger, type Logger } from '../../src/logger';
import { createSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';
import type { Storage } from '../../src/storage/storage';

/** What an app runs on: the store with its access control (issue 19). */
export type AppStorage = Storage;

export interface StartServerOptions {
  /** TIM_* variables read by loadConfig, as at a real start; refused values throw. */
  env?: Record<string, string>;
  config?: Partial<Config>;
  /** Wraps the real SQLite storage, e.g. to inject a fault into one method. */
  wrapStorage?: (storage: AppStorage) => AppStorage;
  /** Used instead of SQLite (e.g. PostgreSQL); owned by the caller, who closes it. */
  storage?: AppStorage;
  now?: () => Date;
  logger?: Logger;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** `ws://127.0.0.1:PORT/api/v1/ws` */
  wsUrl: string;
  app: App;
  storage: AppStorage;
  /** The in-process bus the app publishes on. */
  bus: Bus;
  dataDir: string;
  close(): Promise<void>;
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tim-code-test-'));
}

/**
 * Rate limits far above anything a test sends, for tests about something else (fan-out,
 * sessions, durability); the limits themselves are tested with their defaults or tight values.
 */
export const UNLIMITED_RATES: Pick<
  Config,
  | 'rateMessages'
  | 'rateLogin'
  | 'rateRegister'
  | 'rateActivity'
  | 'rateStreamAppends'
  | 'rateSpaces'
  | 'rateChanges'
  | 'rateSearch'
  | 'rateCalls'
> = {
  rateMessages: { points: 1_000_000, durationSeconds: 1 },
  rateLogin: { points: 1_000_000, durationSeconds: 1 },
  rateRegister: { points: 1_000_000, durationSeconds: 1 },
  rateActivity: { points: 1_000_000, durationSeconds: 1 },
  rateStreamAppends: { points: 1_000_000, durationSeconds: 1 },
  rateSpaces: { points: 1_000_000, durationSeconds: 1 },
  rateChanges: { points: 1_000_000, durationSeconds: 1 },
  rateSearch: { points: 1_000_000, durationSeconds: 1 },
  rateCalls: { points: 1_000_000, durationSeconds: 1 },
};

/** A real server on a free port with SQLite in a fresh temp dir. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = await makeTempDir();
  const loaded = loadConfig({ ...options.env, TIM_PORT: '0', TIM_DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const config: Config = { ...loaded.config, ...options.config };
  let sqlite: AppStorage | undefined;
  let storage = options.storage;
  if (storage === undefined) {
    sqlite = createSqliteStorage({ file: join(dataDir, 'tim.db') });
    storage = options.wrapStorage?.(sqlite) ?? sqlite;
  }
  const bus = createLocalBus();
  const app = await createApp({
    config,
    storage,
    bus,
    logger: options.logger ?? createSilentLogger(),
    now: options.now,
  });
  return {
    baseUrl: app.url,
    wsUrl: `${app.url.replace(/^http/, 'ws')}${WS_PATH}`,
    app,
    storage,
    bus,
    dataDir,
    async close() {
      await app.close();
      await bus.close();
      await sqlite?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition on the server's own state until it holds; the timeout names it. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
