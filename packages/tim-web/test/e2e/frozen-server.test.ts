import { registerApiUser } from './support/api';
import { messageTexts, openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

const HEARTBEAT_MS = 1000;
/** Room for the page's timers, rendering and playwright's polling on a busy machine. */
const MARGIN_MS = 1500;

describe('a frozen server (SIGSTOP)', () => {
  const env = useE2eEnv({ env: { TIM_HEARTBEAT_MS: String(HEARTBEAT_MS) } });

  it('shows reconnecting within two heartbeat intervals, then resumes with every message once, in order', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'hal');
    const gus = await registerApiUser(env.server.baseUrl, 'gus');
    await gus.sendMessage('main', 'm1');
    await page.getByTestId('message').filter({ hasText: 'm1' }).waitFor();
    await sendInUi(page, 'h1');
    await page.locator('[data-testid="message"]:not([data-status])', { hasText: 'h1' }).waitFor();
    await gus.sendMessage('main', 'm2');
    await page.getByTestId('message').filter({ hasText: 'm2' }).waitFor();

    // No close, no reset: the socket stays open and the kernel keeps acknowledging. Only the
    // page's pings going unanswered can tell.
    env.server.freeze();
    let missed: Promise<unknown> | undefined;
    try {
      await page
        .getByTestId('connection')
        .getByText('reconnecting…')
        .waitFor({ timeout: 2 * HEARTBEAT_MS + MARGIN_MS });
      // Waits in the kernel's buffers until the server runs again; the page cannot have it yet.
      missed = gus.sendMessage('main', 'm3');
    } finally {
      env.server.thaw();
    }
    await missed;

    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor({ timeout: 30_000 });
    await gus.sendMessage('main', 'm4');
    await sendInUi(page, 'h2');
    await page.locator('[data-testid="message"]:not([data-status])', { hasText: 'h2' }).waitFor();
    await page.getByTestId('message').filter({ hasText: 'm4' }).waitFor();
    expect(await messageTexts(page)).toEqual(['m1', 'h1', 'm2', 'm3', 'm4', 'h2']);
  });
});
