import { TimClient } from '@tim/protocol';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

const DAY_MS = 24 * 60 * 60 * 1000;
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

/** The page's background colour, as the browser computed it. */
function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}

/** axe-core's serious and critical violations on the page as it is, one line per element. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} at ${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
    );
}

describe('Appearance: days, times, avatars and colour schemes', () => {
  const env = useE2eEnv();

  it('separates days, shows the full date on hover and on keyboard focus of a time', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'ada_lovelace');
    await sendInUi(page, 'first of the day');
    await sendInUi(page, 'second of the day');
    const second = page.getByTestId('message').filter({ hasText: 'second of the day' });
    await second.locator('time').waitFor();
    expect(await page.getByTestId('day-separator').allInnerTexts()).toEqual(['Today']);
    expect(await second.locator('.avatar').innerText()).toBe('AL');

    const time = second.locator('time');
    const title = await time.getAttribute('title');
    const datetime = await time.getAttribute('datetime');
    expect(new Date(datetime ?? '').toString()).not.toBe('Invalid Date');
    // The full form names the year, which the short one never does.
    expect(title).toContain(String(new Date(datetime ?? '').getFullYear()));
    expect(await time.innerText()).not.toContain(String(new Date(datetime ?? '').getFullYear()));

    // Keyboard: from the log, Tab reaches the first message's time, which shows its full date.
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('Tab');
    const shown = await page.evaluate(() => {
      const focused = document.activeElement;
      if (!(focused instanceof HTMLElement) || focused.tagName !== 'TIME') return undefined;
      return { title: focused.title, after: getComputedStyle(focused, '::after').content };
    });
    expect(shown?.title).toMatch(/\d/);
    expect(shown?.after).toBe(JSON.stringify(shown?.title));

    // The same messages seen a day and then four days later.
    const sentAt = new Date(datetime ?? '').getTime();
    await page.clock.setFixedTime(sentAt + DAY_MS);
    await page.reload();
    await page.getByTestId('day-separator').filter({ hasText: 'Yesterday' }).waitFor();
    await page.clock.setFixedTime(sentAt + 4 * DAY_MS);
    await page.reload();
    const label = await page.getByTestId('day-separator').innerText();
    expect(label).toMatch(/^\p{L}+, .*\d/u);
    expect(label).not.toMatch(/Today|Yesterday/);
  });

  it('follows the system scheme until the reader picks one, and keeps the pick across a reload', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await page.emulateMedia({ colorScheme: 'light' });
    await registerInUi(page, 'grace');
    const light = await background(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background(page);
    expect(dark).not.toBe(light);

    const toggle = page.getByRole('combobox', { name: 'Theme' });
    expect(await toggle.inputValue()).toBe('system');
    await toggle.selectOption('light');
    expect(await background(page)).toBe(light);
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('light');
    expect(await background(page)).toBe(light);

    await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
    expect(await background(page)).toBe(dark);
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    expect(await background(page)).toBe(dark);
  });

  it.each(['light', 'dark'] as const)(
    'has no serious or critical axe violations in the %s scheme',
    async (colorScheme) => {
      const jarvis = new TimClient({
        baseUrl: env.server.baseUrl,
        key: await env.server.addAgent(`jarvis-${colorScheme}`),
      });
      await jarvis.sendMessage('main', `Beep. **Jarvis** (${colorScheme}) here, see https://example.com and \`code\`.`);

      // The app's CSP allows only its own scripts; axe is injected as a test's tool.
      const context = await env.browser.newContext({
        bypassCSP: true,
        colorScheme,
        viewport: { width: 1200, height: 800 },
      });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      await page.goto(env.server.baseUrl);
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await registerInUi(page, `reader-${colorScheme}`);
      await sendInUi(
        page,
        `Hello @jarvis-${colorScheme}, a list:\n\n- one\n- two\n\n> quoted\n\n\`\`\`ts\nconst x = 1;\n\`\`\``,
      );
      const mine = page.getByTestId('message').filter({ hasText: `Hello @jarvis-${colorScheme}` });
      await mine.locator('code.language-ts .hljs-keyword').waitFor();
      await page
        .getByTestId('message')
        .filter({ hasText: `Jarvis (${colorScheme}) here` })
        .locator('.avatar.agent')
        .waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Browse spaces' }).click();
      await page.getByRole('dialog', { name: 'Browse spaces' }).getByTestId('browsed-space').first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    },
  );
});
