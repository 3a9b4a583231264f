import { registerApiUser, storedContents } from './support/api';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

describe('sending while the server is down', () => {
  const env = useE2eEnv();

  it('shows the message as failed with the reason, then sends it once on retry after a restart', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'eve');
    await sendInUi(page, 'before the outage');
    await page.locator('[data-key^="u"]').filter({ hasText: 'before the outage' }).waitFor();

    await env.server.stop();
    await page.getByTestId('connection').getByText('reconnecting…').waitFor();
    await sendInUi(page, 'written during the outage');
    const failed = page.locator('[data-status="failed"]').filter({ hasText: 'written during the outage' });
    await failed.getByText('Could not reach the server. Check your connection and retry.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Message #main' }).inputValue()).toBe('');

    await env.server.restart();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-key^="u"]').filter({ hasText: 'written during the outage' }).waitFor();
    expect(await page.locator('[data-status]').count()).toBe(0);

    const reader = await registerApiUser(env.server.baseUrl, 'auditor');
    const contents = await storedContents(reader, 'main');
    expect(contents).toEqual(['before the outage', 'written during the outage']);
  });
});
