import type { Page } from 'playwright-core';
import { registerApiUser, seedMessages } from './support/api';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

/** Waits until the timeline is scrolled to its end. */
function waitAtBottom(page: Page): Promise<unknown> {
  return page.waitForFunction(() => {
    const element = document.querySelector('[data-testid="timeline"]');
    return element !== null && element.scrollHeight - element.scrollTop - element.clientHeight < 2;
  });
}

/**
 * Scrolls the timeline and waits two animation frames: a browser dispatches scroll events
 * before running frame callbacks, so the app has seen the scroll when this resolves. Without
 * it, an update could arrive before the app knew the reader had left the bottom.
 */
async function scrollTimelineTo(page: Page, top: number): Promise<void> {
  await page.getByTestId('timeline').evaluate((element, to) => element.scrollTo({ top: to }), top);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

describe('following the bottom of the timeline', () => {
  const env = useE2eEnv();

  it('sticks to the bottom only when the reader is there, else shows a new-messages marker', async () => {
    const kit = await registerApiUser(env.server.baseUrl, 'kit');
    for (let index = 1; index <= 60; index += 1) await kit.sendMessage('main', `earlier ${index}`);
    const page = await openApp(env.browser, env.server.baseUrl, { width: 1000, height: 700 });
    await registerInUi(page, 'lu');
    const messages = page.getByTestId('message');
    await messages.filter({ hasText: 'earlier 60' }).waitFor();
    await waitAtBottom(page);

    await kit.sendMessage('main', 'while you watch');
    await messages.filter({ hasText: 'while you watch' }).waitFor();
    await waitAtBottom(page);

    const timeline = page.getByTestId('timeline');
    await scrollTimelineTo(page, 600);
    await kit.sendMessage('main', 'while you read back 1');
    await kit.sendMessage('main', 'while you read back 2');
    await page.getByTestId('new-messages').getByText('2 new messages').waitFor();
    expect(await timeline.evaluate((element) => element.scrollTop)).toBe(600);

    await page.getByTestId('new-messages').click();
    await waitAtBottom(page);
    await page.getByTestId('new-messages').waitFor({ state: 'detached' });

    await scrollTimelineTo(page, 600);
    await sendInUi(page, 'my own message brings me down');
    await messages.filter({ hasText: 'my own message brings me down' }).waitFor();
    await waitAtBottom(page);
  });

  it('counts every message that arrives while the reader reads back, beyond the window it keeps', async () => {
    const max = await registerApiUser(env.server.baseUrl, 'max');
    await seedMessages(max, { spaceId: 'main', first: 1, count: 100 });
    const page = await openApp(env.browser, env.server.baseUrl, { width: 1000, height: 700 });
    await registerInUi(page, 'ned');
    await page.getByTestId('message').filter({ hasText: 'seed 100' }).waitFor();
    await waitAtBottom(page);
    // Away from the bottom, and from the top, where older pages would load.
    await scrollTimelineTo(page, 1500);

    // The window keeps 300 messages: 400 more cannot all be in it.
    await seedMessages(max, { spaceId: 'main', first: 101, count: 400 });
    await page.getByTestId('new-messages').getByText('400 new messages').waitFor();

    await page.getByTestId('new-messages').click();
    await page.getByTestId('message').filter({ hasText: 'seed 500' }).waitFor();
    await waitAtBottom(page);
    await page.getByTestId('new-messages').waitFor({ state: 'detached' });
  });
});
