import { TimClient } from '@tim/protocol';
import type { Page } from 'playwright-core';
import { registerApiUser } from './support/api';
import { seriousViolations } from './support/axe';
import { openApp, registerInUi } from './support/browser';
import { useE2eEnv, type E2eEnv } from './support/e2e-env';

/** The server's first page of spaces (SPACES_PAGE_DEFAULT). */
const FIRST_PAGE = 100;
/** The "Browse spaces" panel's page (SpaceBrowser's default). */
const BROWSE_PAGE = 50;

const roomName = (index: number) => `room-${String(index).padStart(3, '0')}`;
const ownName = (index: number) => `own-${String(index).padStart(3, '0')}`;

function sidebar(page: Page) {
  return page.getByRole('navigation', { name: 'Spaces' });
}

/** The ids of the spaces the sidebar lists (not direct messages), in order. */
function listedIds(page: Page): Promise<string[]> {
  return sidebar(page)
    .locator('[data-space-id]')
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-space-id') ?? ''));
}

/** The ids of the spaces the "Browse spaces" panel lists, in order. */
function browsedIds(page: Page): Promise<string[]> {
  return page
    .getByTestId('browsed-space')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-space-id') ?? ''));
}

async function waitForBrowsed(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      document.querySelectorAll('[data-testid="browsed-space"]').length === expected &&
      document.querySelector('[data-testid="space-browser"] [role="status"]') === null,
    count,
  );
}

/** The app in a fresh profile whose context lets axe in past the app's CSP. */
async function openAppForAxe(env: E2eEnv): Promise<Page> {
  const context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(env.server.baseUrl);
  return page;
}

async function reloadConnected(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
}

describe('the space list in the browser', () => {
  const env = useE2eEnv({ env: { TIM_MAX_SPACES_PER_TIMITE: '1000' } });
  let hal: TimClient;
  let ada: TimClient;
  let page: Page;

  beforeAll(async () => {
    hal = await registerApiUser(env.server.baseUrl, 'hal');
    for (let index = 1; index <= 120; index += 1) await hal.createSpace({ id: roomName(index), name: roomName(index) });
    await hal.createSpace({ id: 'room-secret', name: 'room-secret', visibility: 'private' });
    await registerApiUser(env.server.baseUrl, 'roomy');
    await hal.openDm(['roomy']);
  });

  it('lists only the reader’s own spaces, main first, and those beyond the first page after "More spaces"', async () => {
    page = await openAppForAxe(env);
    await registerInUi(page, 'ada');
    await sidebar(page).getByRole('button', { name: 'main', exact: true }).waitFor();
    expect(await listedIds(page)).toEqual(['main']);
    expect(await sidebar(page).getByRole('button', { name: 'More spaces' }).count()).toBe(0);

    // Two of hal's spaces joined and 104 of her own: more than a page of hers.
    ada = new TimClient({
      baseUrl: env.server.baseUrl,
      key: (await page.evaluate(() => localStorage.getItem('tim.session'))) ?? '',
    });
    await ada.joinSpace(roomName(50));
    await ada.joinSpace(roomName(120));
    for (let index = 1; index <= 104; index += 1) await ada.createSpace({ id: ownName(index), name: ownName(index) });
    await reloadConnected(page);

    // Listed in the order the spaces were made: main, hal's two, then hers.
    const own = Array.from({ length: 104 }, (_, index) => ownName(index + 1));
    const mine = ['main', roomName(50), roomName(120), ...own];
    await sidebar(page)
      .getByRole('button', { name: mine[FIRST_PAGE - 1], exact: true })
      .waitFor();
    expect(await listedIds(page)).toEqual(mine.slice(0, FIRST_PAGE));

    await sidebar(page).getByRole('button', { name: 'More spaces' }).click();
    await sidebar(page)
      .getByRole('button', { name: ownName(104), exact: true })
      .click();
    await page.getByRole('heading', { name: ownName(104), exact: true }).waitFor();
    expect(await sidebar(page).getByRole('button', { name: 'More spaces' }).count()).toBe(0);
    expect(await listedIds(page)).toEqual(mine);
  });

  it('browses and finds public spaces apart, previews one, and joins it', async () => {
    const browse = sidebar(page).getByRole('button', { name: 'Browse spaces' });
    await browse.click();
    const panel = page.getByRole('dialog', { name: 'Browse spaces' });
    const box = panel.getByRole('searchbox', { name: 'Find a space' });
    await box.waitFor();
    expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
    await waitForBrowsed(page, BROWSE_PAGE);
    expect((await browsedIds(page))[0]).toBe('main');

    // Part of a name: hal's public rooms only, not his private one nor his direct message.
    await box.fill('oom');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="browsed-space"]')?.getAttribute('data-space-id') === 'room-001',
    );
    await waitForBrowsed(page, BROWSE_PAGE);
    await panel.getByRole('button', { name: 'More spaces' }).click();
    await waitForBrowsed(page, 2 * BROWSE_PAGE);
    await panel.getByRole('button', { name: 'More spaces' }).click();
    await waitForBrowsed(page, 120);
    expect(await panel.getByRole('button', { name: 'More spaces' }).count()).toBe(0);
    expect(await browsedIds(page)).toEqual(Array.from({ length: 120 }, (_, index) => roomName(index + 1)));
    const joined = panel.getByTestId('browsed-space').filter({ has: page.getByText('Joined', { exact: true }) });
    expect(await joined.evaluateAll((items) => items.map((item) => item.getAttribute('data-space-id')))).toEqual([
      roomName(50),
      roomName(120),
    ]);

    await box.fill('nothing-like-this');
    await panel.getByText('No public space matches “nothing-like-this”.').waitFor();

    // Joined from the panel: "Joined", and listed in the sidebar at once.
    await box.fill('room-00');
    await waitForBrowsed(page, 9);
    await panel.getByRole('button', { name: `Join ${roomName(8)}` }).click();
    await panel
      .locator(`[data-space-id="${roomName(8)}"]`)
      .getByText('Joined', { exact: true })
      .waitFor();
    await sidebar(page)
      .locator(`[data-space-id="${roomName(8)}"]`)
      .waitFor();

    // Opened from the panel: a preview, with "Join" in its header and marked in the sidebar.
    await panel.getByRole('button', { name: roomName(7), exact: true }).click();
    await page.getByRole('heading', { name: roomName(7), exact: true }).waitFor();
    expect(await panel.count()).toBe(0);
    const previewed = sidebar(page).locator(`[data-space-id="${roomName(7)}"][data-previewing="true"]`);
    await previewed.getByText('previewing').waitFor();
    expect(await listedIds(page).then((ids) => ids[0])).toBe(roomName(7));
    const join = page.getByRole('main').getByRole('button', { name: 'Join', exact: true });
    await join.waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await join.click();
    await previewed.waitFor({ state: 'detached' });
    expect(await join.count()).toBe(0);
    await reloadConnected(page);
    await sidebar(page)
      .getByRole('button', { name: roomName(7), exact: true })
      .waitFor();
    const ids = await listedIds(page);
    expect(ids.slice(0, 5)).toEqual(['main', roomName(7), roomName(8), roomName(50), roomName(120)]);
    expect(await page.getByRole('heading', { name: roomName(7), exact: true }).count()).toBe(1);
  });

  it('closes the panel on Escape and gives the focus back to "Browse spaces"', async () => {
    const browse = sidebar(page).getByRole('button', { name: 'Browse spaces' });
    await browse.click();
    const panel = page.getByRole('dialog', { name: 'Browse spaces' });
    await panel.getByRole('searchbox', { name: 'Find a space' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await browse.evaluate((element) => element === document.activeElement)).toBe(true);
    await browse.click();
    await panel.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  it('opens a public space the reader left last as a preview after a reload, and main for one no longer there', async () => {
    const reader = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(reader, 'bea');
    await sidebar(reader).getByRole('button', { name: 'Browse spaces' }).click();
    const panel = reader.getByRole('dialog', { name: 'Browse spaces' });
    await panel.getByRole('searchbox', { name: 'Find a space' }).fill(roomName(33));
    await panel.getByRole('button', { name: roomName(33), exact: true }).click();
    await reader.getByRole('heading', { name: roomName(33), exact: true }).waitFor();

    await reloadConnected(reader);
    await reader.getByRole('heading', { name: roomName(33), exact: true }).waitFor();
    await sidebar(reader)
      .locator(`[data-space-id="${roomName(33)}"][data-previewing="true"]`)
      .waitFor();

    // Gone while the page was closed: the next start opens main instead.
    const context = reader.context();
    await reader.close();
    await hal.updateSpace(roomName(33), { visibility: 'private' });
    const again = await context.newPage();
    await again.goto(env.server.baseUrl);
    await again.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await again.getByRole('heading', { name: 'main', exact: true }).waitFor();
    expect(await listedIds(again)).toEqual(['main']);
  });
});
