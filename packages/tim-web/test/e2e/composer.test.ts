import type { Page } from 'playwright-core';
import { registerApiUser } from './support/api';
import { openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';
import { connectStreamAuthor, type StreamAuthor } from './support/stream-author';

/** The id of the focused element, or its tag when it has none (`BODY`). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return element === null ? 'nothing' : element.id || element.tagName;
  });
}

describe('the composer', () => {
  const env = useE2eEnv();

  it('keeps the focus after a click on Send, so the next message needs no click', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'fay');
    const composer = page.getByRole('textbox', { name: 'Message #main' });
    await composer.fill('sent with the mouse');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-key^="u"]').filter({ hasText: 'sent with the mouse' }).waitFor();
    expect(await focused(page)).toBe('composer-input');

    await page.keyboard.type('typed straight away');
    await page.keyboard.press('Enter');
    await page.locator('[data-key^="u"]').filter({ hasText: 'typed straight away' }).waitFor();
  });

  describe('on a 375 px wide phone', () => {
    const viewport = { width: 375, height: 667 };
    const crowd: StreamAuthor[] = [];
    afterAll(() => crowd.forEach((person) => person.close()));

    it('names the space, keeps the spaces and people strip small, and shows the whole placeholder', async () => {
      // A dozen people here: a list that wraps would take a third of the screen.
      for (let index = 1; index <= 12; index += 1) {
        const client = await registerApiUser(env.server.baseUrl, `crowd${index}`);
        crowd.push(await connectStreamAuthor({ baseUrl: env.server.baseUrl, key: client.key!, spaceId: 'main' }));
      }
      const page = await openApp(env.browser, env.server.baseUrl, viewport);
      await registerInUi(page, 'pip');
      await page.locator('.presence li').nth(12).waitFor();
      const title = page.getByRole('heading', { name: 'main', exact: true });
      await title.waitFor();
      const titleBox = await title.boundingBox();
      expect(titleBox).not.toBeNull();
      expect(titleBox!.width).toBeGreaterThan(0);
      expect(titleBox!.y + titleBox!.height).toBeLessThanOrEqual(viewport.height);

      const strip = await page.locator('.sidebar').boundingBox();
      expect(strip!.height / viewport.height).toBeLessThan(0.12);

      const composer = page.getByRole('textbox', { name: 'Message #main' });
      const fits = await composer.evaluate((element: HTMLTextAreaElement) => {
        const style = getComputedStyle(element);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = style.font;
        const room = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return { text: element.placeholder, width: context.measureText(element.placeholder).width, room };
      });
      expect(fits.text).toBe('Message #main');
      expect(fits.width).toBeLessThanOrEqual(fits.room);
      await page.screenshot({ path: '/tmp/h56-narrow.png' });
    });
  });
});
