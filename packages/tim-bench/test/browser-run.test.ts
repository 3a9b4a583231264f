import { runBrowserScenario } from '../src/browser/run-browser-scenario';
import type { BrowserScenario } from '../src/browser/browser-scenario';

// Runs the compiled tim-code server and the built web client in Chromium: `pnpm build` first.
describe('runBrowserScenario', () => {
  it('shows every message posted in a real page and measures what each cost it', async () => {
    const scenario: BrowserScenario = {
      id: 'test-browser',
      label: '20 messages shown, 50 msg/s for 1 s',
      seededMessages: 20,
      messagesPerSecond: 50,
      durationMs: 1000,
      contentBytes: 100,
      idleMs: 500,
      drainTimeoutMs: 20_000,
    };
    const result = await runBrowserScenario(scenario);

    expect(result.firstError).toBeUndefined();
    expect(result).toMatchObject({ seeded: 20, posted: 50, shown: 50, missing: 0 });
    expect(result.scriptMsPerMessage).toBeGreaterThan(0);
    expect(result.taskMsPerMessage).toBeGreaterThanOrEqual(result.scriptMsPerMessage);
    expect(result.lastMessageMs).toBeGreaterThan(0);
    expect(result.lastMessageMs).toBeLessThanOrEqual(result.maxMs);
    expect(result.p50Ms).toBeLessThanOrEqual(result.maxMs);
  }, 90_000);
});
