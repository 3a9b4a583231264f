import type { Page } from 'playwright-core';
import { registerApiUser, seedMessages } from './support/api';
import { openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

function searchBox(page: Page) {
  return page.getByRole('searchbox', { name: 'Search messages' });
}

function results(page: Page) {
  return page.getByTestId('search-result');
}

/** The text of the messages in the window, in order. */
function shownContents(page: Page): Promise<string[]> {
  return page.getByTestId('message').locator('.content').allInnerTexts();
}

describe('search in the browser', () => {
  const env = useE2eEnv();

  it('finds a message in another space and opens it in context, highlighted, then pages on to the newest', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal');
    await hal.createSpace({ id: 'archive', name: 'Archive' });
    await seedMessages(hal, { spaceId: 'archive', first: 1, count: 150 });
    await hal.sendMessage('archive', 'The quarterly kiwi report is ready');
    await seedMessages(hal, { spaceId: 'archive', first: 151, count: 150 });

    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'ada');
    // The sidebar lists the reader's own spaces: ada becomes a member of hal's space.
    await hal.addMember('archive', 'ada');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await searchBox(page).fill('KIWI rep');
    const result = results(page).first();
    await result.waitFor();
    expect(await results(page).count()).toBe(1);
    expect(await result.innerText()).toContain('hal');
    expect(await result.innerText()).toContain('#Archive');
    expect(await result.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await result.locator('mark').allInnerTexts()).toEqual(['kiwi', 'rep']);

    await result.click();
    await page.getByRole('heading', { name: 'Archive', exact: true }).waitFor();
    const focused = page.locator('[data-focused="true"]');
    await focused.waitFor();
    expect((await focused.innerText()).includes('The quarterly kiwi report is ready')).toBe(true);
    await page.waitForFunction(() => {
      const element = document.querySelector('[data-focused="true"]');
      const timeline = document.querySelector('[data-testid="timeline"]');
      if (element === null || timeline === null) return false;
      const box = element.getBoundingClientRect();
      const view = timeline.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    // Older messages above it and newer ones below (seeded a few at a time, so in no exact order).
    const around = await shownContents(page);
    const at = around.indexOf('The quarterly kiwi report is ready');
    const seedNumber = (content: string | undefined) => Number(content?.replace('seed ', ''));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(around.length - 1);
    expect(around.slice(0, at).every((content) => seedNumber(content) <= 150)).toBe(true);
    expect(around.slice(at + 1).every((content) => seedNumber(content) >= 151)).toBe(true);
    expect(around).not.toContain('seed 300');

    // Scrolling down pages forward until the newest message.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await page.getByTestId('timeline').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await page.waitForTimeout(300);
      if ((await shownContents(page)).includes('seed 300')) break;
    }
    expect(await shownContents(page)).toContain('seed 300');
    expect(await page.getByTestId('new-messages').count()).toBe(0);

    // Live again: a new message shows at the bottom.
    await hal.sendMessage('archive', 'after the search');
    await page.getByTestId('message').filter({ hasText: 'after the search' }).waitFor();
  });

  it('orders by newest or best match and pages with "More results"', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal2');
    await hal.createSpace({ id: 'fruit', name: 'fruit' });
    for (let index = 1; index <= 25; index += 1) await hal.sendMessage('fruit', `papaya ${index}`);
    await hal.sendMessage('fruit', 'mango mango mango, all mango');
    await hal.sendMessage('fruit', 'one mango');

    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'bo');
    await searchBox(page).fill('mango');
    await results(page).nth(1).waitFor();
    expect(await page.getByRole('button', { name: 'Newest', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await results(page).first().innerText()).toContain('one mango');
    await page.getByRole('button', { name: 'Best match' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="search-result"]')?.textContent?.includes('all mango'),
    );

    await searchBox(page).fill('papaya');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-result"]').length === 20);
    await page.getByRole('button', { name: 'More results' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-result"]').length === 25);
    const keys = await results(page).allInnerTexts();
    expect(new Set(keys).size).toBe(25);

    await searchBox(page).fill('nothinglikethis');
    await page.getByText('No messages found.').waitFor();
  });

  it('names a result from a public space the reader has not joined by its name, and previews it on a click', async () => {
    const kim = await registerApiUser(env.server.baseUrl, 'kim');
    await kim.createSpace({ id: 'orchard-talk', name: 'Orchard Talk' });
    await kim.sendMessage('orchard-talk', 'the quince harvest starts monday');
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'lou');
    await searchBox(page).fill('quince');
    const result = results(page).first();
    await result.getByText('#Orchard Talk').waitFor();
    await result.click();
    await page.getByRole('heading', { name: 'Orchard Talk', exact: true }).waitFor();
    await page.getByText('You are previewing this space.').waitFor();
  });
});
