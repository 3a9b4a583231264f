import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { startTimServer, type StartTimServerOptions, type TimServer } from './tim-server';

export interface E2eEnv {
  server: TimServer;
  browser: Browser;
}

/**
 * Starts one tim-code and one Chromium for the calling `describe` block (beforeAll) and
 * closes both after it (afterAll). Read the fields inside tests, once the hooks have run.
 */
export function useE2eEnv(serverOptions: StartTimServerOptions = {}): E2eEnv {
  const env = {} as E2eEnv;
  beforeAll(async () => {
    env.server = await startTimServer(serverOptions);
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
