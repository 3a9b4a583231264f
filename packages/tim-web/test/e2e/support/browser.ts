import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium through playwright-core; never a downloaded browser. Fails loudly when missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}; install it with \`apt-get install chromium\` (scripts/test.sh does).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A fresh browser profile (own localStorage) on the app, with the viewport given. */
export async function openApp(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1200, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  // Fail well inside jest's timeout, so the report names the locator that never appeared.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(baseUrl);
  return page;
}

/** Opens the app already signed in with a key (an agent's token, say), as a reload would. */
export async function openAppAs(browser: Browser, baseUrl: string, key: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  await context.addInitScript((sessionKey) => localStorage.setItem('tim.session', sessionKey), key);
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
  return page;
}

/** Registers through the login form and waits for the chat screen to be connected. */
export async function registerInUi(page: Page, nick: string, password = 'correct horse battery'): Promise<void> {
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Nick').fill(nick);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
}

/** Types into the composer and presses Enter. */
export async function sendInUi(page: Page, content: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: /^Message #/ });
  await composer.fill(content);
  await composer.press('Enter');
}

/** The text of every rendered message, in DOM order. */
export function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId('message').locator('.content').allInnerTexts();
}
