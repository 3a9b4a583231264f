import type { Page } from 'playwright-core';
import type { TimClient } from '@tim/protocol';
import { registerApiUser, seedMessages } from './support/api';
import { messageTexts, openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

/** The window the client keeps (ChatController's default). */
const WINDOW_SIZE = 300;

async function openSpaceInUi(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
  await page.getByTestId('message').first().waitFor();
}

/** Scrolls the timeline to its top and waits until an older page replaced the first message. */
async function scrollUpOnePage(page: Page): Promise<void> {
  const before = await page.getByTestId('message').first().innerText();
  await page.getByTestId('timeline').evaluate((element) => element.scrollTo({ top: 0 }));
  await page.waitForFunction(
    (previous) => document.querySelector('[data-testid="message"]')?.textContent?.trim() !== previous.trim(),
    before,
  );
}

/** The first and last message keys in the window, and whether a page is still loading. */
function windowState(page: Page): Promise<string> {
  return page.getByTestId('timeline').evaluate((element) => {
    const keys = [...element.querySelectorAll('[data-key]')].map((node) => node.getAttribute('data-key'));
    return JSON.stringify([keys[0], keys.at(-1), element.textContent?.includes('Loading older messages') ?? false]);
  });
}

/**
 * Waits until no page is loading and the window has stayed the same for a moment: a page
 * the reader's scrolling asked for may still land after the first message changed.
 */
async function waitForSettledWindow(page: Page): Promise<void> {
  let previous = '';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const current = await windowState(page);
    if (current === previous && !current.endsWith('true]')) return;
    previous = current;
    await page.waitForTimeout(150);
  }
  throw new Error(`The timeline did not settle: ${previous}`);
}

describe('history in the browser', () => {
  const env = useE2eEnv();
  let hal: TimClient;

  beforeAll(async () => {
    hal = await registerApiUser(env.server.baseUrl, 'hal');
  });

  it('loads older messages page by page as the reader scrolls up, back to the first', async () => {
    await hal.createSpace({ id: 'history', name: 'history' });
    for (let index = 1; index <= 250; index += 1) await hal.sendMessage('history', `h${index}`);
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'ivy');
    // The sidebar lists the reader's own spaces: ivy becomes a member of hal's space.
    await hal.addMember('history', 'ivy');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await openSpaceInUi(page, 'history');
    expect((await messageTexts(page))[0]).toBe('h151');

    // The message the reader was looking at stays in view while the older page lands above it.
    await scrollUpOnePage(page);
    const viewport = await page.getByTestId('timeline').boundingBox();
    const anchor = await page.locator('[data-key="u151"]').boundingBox();
    expect(
      anchor !== null && viewport !== null && anchor.y >= viewport.y && anchor.y < viewport.y + viewport.height,
    ).toBe(true);

    for (
      let pages = 0;
      pages < 5 && !(await page.getByText('This is the beginning of the space.').isVisible());
      pages += 1
    ) {
      await scrollUpOnePage(page);
    }
    expect(await messageTexts(page)).toEqual(Array.from({ length: 250 }, (_, index) => `h${index + 1}`));
  });

  it('keeps the DOM bounded in a space of 5000 messages, reading back and jumping to the newest', async () => {
    await hal.createSpace({ id: 'flood', name: 'flood' });
    await seedMessages(hal, { spaceId: 'flood', first: 1, count: 5000 });
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'jo');
    // The sidebar lists the reader's own spaces: jo becomes a member of hal's space.
    await hal.addMember('flood', 'jo');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await openSpaceInUi(page, 'flood');
    const messages = page.getByTestId('message');
    expect(await messages.count()).toBeLessThanOrEqual(WINDOW_SIZE);

    for (let pages = 0; pages < 6; pages += 1) {
      await scrollUpOnePage(page);
      expect(await messages.count()).toBeLessThanOrEqual(WINDOW_SIZE);
    }
    // Reading forward again loads the next page below without jumping to the newest.
    await waitForSettledWindow(page);
    const lastKey = await page.locator('[data-key]').last().getAttribute('data-key');
    await page.getByTestId('timeline').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await page.waitForFunction(
      (previous) => [...document.querySelectorAll('[data-key]')].at(-1)?.getAttribute('data-key') !== previous,
      lastKey,
    );
    const viewport = await page.getByTestId('timeline').boundingBox();
    const previousLast = await page.locator(`[data-key="${lastKey}"]`).boundingBox();
    const inView =
      previousLast !== null &&
      viewport !== null &&
      previousLast.y + previousLast.height > viewport.y &&
      previousLast.y < viewport.y + viewport.height;
    expect(inView).toBe(true);
    expect(await messages.count()).toBeLessThanOrEqual(WINDOW_SIZE);

    await hal.sendMessage('flood', 'the newest of all');
    await page.getByTestId('new-messages').click();
    await messages.filter({ hasText: 'the newest of all' }).waitFor();
    expect(await messages.count()).toBeLessThanOrEqual(WINDOW_SIZE);

    for (let index = 0; index < 40; index += 1) await hal.sendMessage('flood', `live ${index}`);
    await messages.filter({ hasText: 'live 39' }).waitFor();
    expect(await messages.count()).toBeLessThanOrEqual(WINDOW_SIZE);
  });
});
