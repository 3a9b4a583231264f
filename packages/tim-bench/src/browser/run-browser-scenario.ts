import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { z } from 'zod';
import { API_PREFIX, AuthResponse, MAIN_SPACE_ID } from '@tim/protocol';
import { publish } from '../load/publisher';
import { postJson } from '../targets/http-json';
import { forkTimServer, timCodeDir } from '../targets/tim-server';
import type { ServerProcess } from '../targets/server-process';
import type { BrowserScenario } from './browser-scenario';
import { summarizeBrowserRun, type BrowserRunResult } from './browser-result';
import { PAGE_PROBE_SCRIPT, PROBE_GLOBAL, ProbeSnapshot } from './page-probe';

/** Debian's Chromium, as in tim-web's e2e tests; never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The built web client to serve: tim-web's dist/ by default, or TIM_BENCH_WEB_DIR (another
 * build's dist/, to measure a before and an after on the same machine and server).
 */
export function timWebDir(): string {
  const override = process.env.TIM_BENCH_WEB_DIR;
  if (override !== undefined && override !== '') return override;
  return join(dirname(require.resolve('@tim/web/package.json')), 'dist');
}

/**
 * One run of a browser scenario: a tim-code server serving the web client, a reader's page in
 * Chromium with the seeded messages on screen, a while at rest, then the load; the page's CDP
 * metrics, long tasks and the moment each message reached its DOM are read at the end.
 */
export async function runBrowserScenario(
  scenario: BrowserScenario,
  options: {
    /** When set, a V8 CPU profile of the page during the load is written into this directory. */
    cpuProfileDir?: string;
  } = {},
): Promise<BrowserRunResult> {
  const webDir = timWebDir();
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`no web client build in ${webDir}`);
  if (!existsSync(CHROMIUM)) throw new Error(`the browser scenarios need Chromium at ${CHROMIUM}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'tim-bench-browser-'));
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  try {
    server = await forkTimServer({
      codeDir: timCodeDir(),
      env: { TIM_DATA_DIR: dataDir, TIM_WEB_DIR: webDir },
      processName: 'tim',
    });
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const readerKey = await register(baseUrl, 'bench-reader');
    const authorHeaders = { authorization: `Bearer ${await register(baseUrl, 'bench-author')}` };

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await openSignedIn(browser, baseUrl, readerKey);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    const seed = await publish({
      baseUrls: [baseUrl],
      headers: authorHeaders,
      spaceIds: [MAIN_SPACE_ID],
      contentBytes: scenario.contentBytes,
      load: { kind: 'burst', messages: scenario.seededMessages },
      maxInFlight: 8,
    });
    if (seed.failed > 0) throw new Error(`seeding failed: ${seed.firstError}`);
    // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
    await page.waitForFunction(
      (count) =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="message"]').length >= count,
      scenario.seededMessages,
      { timeout: 120_000, polling: 500 },
    );

    const idleStart = await mainThreadSeconds(cdp);
    await delay(scenario.idleMs);
    const idleEnd = await mainThreadSeconds(cdp);

    if (options.cpuProfileDir !== undefined) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.evaluate(`window.${PROBE_GLOBAL}.arm()`);
    const loadStart = await mainThreadSeconds(cdp);
    const load = await publish({
      baseUrls: [baseUrl],
      headers: authorHeaders,
      spaceIds: [MAIN_SPACE_ID],
      contentBytes: scenario.contentBytes,
      load: { kind: 'rate', messagesPerSecond: scenario.messagesPerSecond, durationMs: scenario.durationMs },
      maxInFlight: 64,
    });
    await waitUntilShown(page, load.acknowledged, load.endedAtMs + scenario.drainTimeoutMs);
    const loadEnd = await mainThreadSeconds(cdp);
    if (options.cpuProfileDir !== undefined) {
      const { profile } = await cdp.send('Profiler.stop');
      const file = join(options.cpuProfileDir, `${scenario.id}-page-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
    }
    const probe = ProbeSnapshot.parse(await page.evaluate(`window.${PROBE_GLOBAL}.snapshot()`));

    const result = summarizeBrowserRun({
      scenarioId: scenario.id,
      seeded: seed.acknowledged,
      posted: load.acknowledged,
      probe,
      scriptSeconds: loadEnd.script - loadStart.script,
      taskSeconds: loadEnd.task - loadStart.task,
      styleLayoutSeconds: loadEnd.styleLayout - loadStart.styleLayout,
      idleScriptSeconds: idleEnd.script - idleStart.script,
      idleMs: scenario.idleMs,
    });
    return load.failed === 0 ? result : { ...result, firstError: `${load.failed} posts failed: ${load.firstError}` };
  } finally {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function register(baseUrl: string, nick: string): Promise<string> {
  const auth = await postJson({
    url: `${baseUrl}${API_PREFIX}/register`,
    body: { nick, password: randomBytes(12).toString('hex') },
    schema: AuthResponse,
  });
  return auth.session.key;
}

/** What the page predicates use of the browser's globals (this package compiles without the DOM types). */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
}

/** The app signed in with `key` (as after a reload), the probe installed before its scripts, connected. */
async function openSignedIn(browser: Browser, baseUrl: string, key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.addInitScript({ content: `localStorage.setItem('tim.session', ${JSON.stringify(key)});` });
  await context.addInitScript({ content: PAGE_PROBE_SCRIPT });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor({ timeout: 30_000 });
  return page;
}

const Metrics = z.object({ metrics: z.array(z.object({ name: z.string(), value: z.number() })) });

/** The page's main-thread time so far, in seconds: script, style and layout, and every task (all that and paint…). */
async function mainThreadSeconds(cdp: CDPSession): Promise<{ script: number; styleLayout: number; task: number }> {
  const { metrics } = Metrics.parse(await cdp.send('Performance.getMetrics'));
  const value = (name: string): number => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return {
    script: value('ScriptDuration'),
    styleLayout: value('RecalcStyleDuration') + value('LayoutDuration'),
    task: value('TaskDuration'),
  };
}

/** Polls the probe (a few µs of the page's time each) until `count` messages appeared or the deadline passed. */
async function waitUntilShown(page: Page, count: number, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    const shown = z.number().parse(await page.evaluate(`window.${PROBE_GLOBAL}.count()`));
    if (shown >= count) return;
    await delay(200);
  }
}
