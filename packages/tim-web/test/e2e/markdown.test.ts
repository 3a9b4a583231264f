import type { Page } from 'playwright-core';
import { registerApiUser } from './support/api';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';
import { connectStreamAuthor } from './support/stream-author';
import { XSS_CORPUS } from './support/xss-corpus';

/** What the rendered messages hold that could run script: handlers, script URLs, active elements. */
function findActiveContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll('[data-testid="timeline"] *')) {
      const tag = element.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'svg', 'img', 'style', 'form', 'meta', 'base', 'link'].includes(tag))
        found.push(`<${tag}>`);
      for (const { name, value } of element.attributes) {
        if (name.startsWith('on')) found.push(`${tag} ${name}`);
        if (name === 'style') found.push(`${tag} style`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data'].includes(name)) {
          if (!/^(https?:|mailto:)/i.test(value.trim())) found.push(`${tag} ${name}=${value}`);
        }
      }
    }
    return found;
  });
}

describe('Markdown in messages', () => {
  const env = useE2eEnv();

  it('renders bold, strikethrough, a table, a task list, highlighted code that copies, and safe autolinks', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.baseUrl });
    const highlighterLoads: string[] = [];
    page.on('request', (request) => {
      if (/\/highlighter-[^/]*\.js$/.test(request.url())) highlighterLoads.push(request.url());
    });
    await registerInUi(page, 'ada');
    await sendInUi(page, '**bold** and ~~gone~~ for @ada, see https://example.com');
    const plain = page.getByTestId('message').filter({ hasText: 'bold and gone' });
    await plain.locator('.content strong', { hasText: 'bold' }).waitFor();
    expect(await plain.locator('.content del').textContent()).toBe('gone');
    expect(await plain.locator('mark.mention.me').textContent()).toBe('@ada');
    const link = plain.locator('.content a');
    expect(await link.getAttribute('href')).toBe('https://example.com/');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    // No fenced code yet, so the highlighter has not been fetched.
    expect(highlighterLoads).toEqual([]);

    const code = 'const answer: number = 42;\nconsole.log(`<${answer}>`);';
    await sendInUi(
      page,
      [
        '| lang | year |',
        '|---|---|',
        '| C | 1972 |',
        '',
        '- [x] written',
        '- [ ] shipped',
        '',
        '```ts',
        code,
        '```',
      ].join('\n'),
    );
    const rich = page.getByTestId('message').filter({ has: page.locator('table') });
    await rich.locator('code.language-ts .hljs-keyword', { hasText: 'const' }).waitFor();
    expect(highlighterLoads).toHaveLength(1);
    expect(await rich.locator('th').allTextContents()).toEqual(['lang', 'year']);
    expect(await rich.locator('td').allTextContents()).toEqual(['C', '1972']);
    const boxes = rich.locator('li input[type="checkbox"]');
    expect(await boxes.count()).toBe(2);
    expect(await boxes.nth(0).isChecked()).toBe(true);
    expect(await boxes.nth(1).isChecked()).toBe(false);
    expect(await boxes.nth(0).isDisabled()).toBe(true);
    expect(await rich.locator('pre code').textContent()).toBe(code);

    await rich.getByRole('button', { name: 'Copy code' }).click();
    await rich.getByRole('button', { name: 'Copy code' }).filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  });

  it('grows a reply with an unclosed code fence inside its code block, within the message’s width', async () => {
    const page = await openApp(env.browser, env.server.baseUrl, { width: 375, height: 700 });
    await registerInUi(page, 'bo');
    const key = await env.server.addAgent('coder');
    const author = await connectStreamAuthor({ baseUrl: env.server.baseUrl, key, spaceId: 'main' });
    try {
      const longLine = `    return ${'"a very long string that does not fit" + '.repeat(4)}"";`;
      const stream = await author.connection.openStream('main', { text: 'Try this:\n```python\ndef f():\n' });
      const growing = page.locator('[data-testid="message"][data-stream="writing"]');
      await growing.locator('pre code.language-python').waitFor();
      stream.append(longLine);
      await growing.locator('pre code', { hasText: 'a very long string' }).waitFor();
      const fits = await growing.evaluate((message) => {
        const code = message.querySelector('pre code');
        return {
          message: message.scrollWidth <= message.clientWidth,
          codeScrolls: code !== null && code.scrollWidth > code.clientWidth,
        };
      });
      expect(fits).toEqual({ message: true, codeScrolls: true });
      expect(await growing.locator('.content > p').first().textContent()).toBe('Try this:');

      stream.append('\n```\nDone.');
      await growing.locator('.content > p', { hasText: 'Done.' }).waitFor();
      await stream.finish();
      const finished = page.locator('[data-testid="message"][data-stream="finished"]');
      await finished.locator('pre code .hljs-keyword', { hasText: 'def' }).waitFor();
      expect(await finished.locator('pre').count()).toBe(1);
    } finally {
      author.close();
    }
  });

  it('runs nothing from an XSS corpus: no dialog, no script, no handler or script URL in the DOM', async () => {
    const mallory = await registerApiUser(env.server.baseUrl, 'mallory');
    const page = await openApp(env.browser, env.server.baseUrl);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await registerInUi(page, 'victim');
    // Live: each arrives over the WebSocket and renders as it comes.
    for (const payload of XSS_CORPUS) await mallory.sendMessage('main', payload);
    await mallory.sendMessage('main', 'end of the corpus');
    await page.getByTestId('message').filter({ hasText: 'end of the corpus' }).waitFor();
    // Every payload rendered as a message (a fenced one highlighted, so the highlighter ran too).
    await page.locator('[data-testid="message"] code.language-html .hljs-tag').first().waitFor();
    expect(await page.locator('[data-testid="message"][aria-label^="mallory: "]').count()).toBe(XSS_CORPUS.length + 1);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await findActiveContent(page)).toEqual([]);

    // From history too, after a reload.
    await page.reload();
    await page.getByTestId('message').filter({ hasText: 'end of the corpus' }).waitFor();
    await page.locator('[data-testid="message"] code.language-html .hljs-tag').first().waitFor();
    // Hovering what could carry a handler gives one more chance to fire.
    for (const link of await page.locator('[data-testid="timeline"] a').all()) await link.hover();

    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await findActiveContent(page)).toEqual([]);
    // The only links are the safe ones the corpus spelled out, each opening without an opener.
    const links = await page
      .locator('[data-testid="message"][aria-label^="mallory: "] a')
      .evaluateAll((anchors) => anchors.map((a) => `${a.getAttribute('href')} ${a.getAttribute('rel')}`));
    expect(links).toEqual(['https://example.com/ noopener noreferrer']);
    // Shown as the text that was typed.
    const shownAsText = page.getByTestId('message').filter({ hasText: '<script>window.__pwned = "script"</script>' });
    expect(await shownAsText.count()).toBe(1);
  });
});
