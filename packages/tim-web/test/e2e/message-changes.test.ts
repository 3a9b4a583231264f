import type { Locator, Page } from 'playwright-core';
import { registerApiUser, seedMessages } from './support/api';
import { seriousViolations } from './support/axe';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

/** The rendered message whose own content (not a quote of another) contains `text`. */
function message(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ has: page.locator('.content', { hasText: text }) });
}

/** A rendered message by its id, whatever it shows now. */
function messageById(page: Page, messageId: string | null): Locator {
  return page.locator(`[data-testid="message"][data-message-id="${messageId ?? ''}"]`);
}

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: /^Message #/ });
}

/** Two people in `main`, each in a browser page of their own. */
async function twoReaders(env: ReturnType<typeof useE2eEnv>, nicks: [string, string]): Promise<[Page, Page]> {
  const first = await openApp(env.browser, env.server.baseUrl);
  const second = await openApp(env.browser, env.server.baseUrl);
  await registerInUi(first, nicks[0]);
  await registerInUi(second, nicks[1]);
  return [first, second];
}

/** Whether `locator` lies fully inside the timeline's visible area. */
async function isScrolledIntoView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const log = await page.getByTestId('timeline').boundingBox();
  if (box === null || log === null) return false;
  return box.y >= log.y && box.y + box.height <= log.y + log.height;
}

describe('Working with messages in the browser: replies, edits, deletes, reactions', () => {
  const env = useE2eEnv({ env: { TIM_RATE_CHANGES: '100000/1s' } });

  it('replies with a quote of the original, and the quote jumps to it', async () => {
    const bo = await registerApiUser(env.server.baseUrl, 'bo_replies');
    await bo.sendMessage('main', 'Where do we meet tomorrow?\nDetails below.');
    for (let index = 0; index < 30; index += 1) await bo.sendMessage('main', `filler ${index}`);
    const ada = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada_replies');

    const original = message(ada, 'Where do we meet tomorrow?');
    await original.scrollIntoViewIfNeeded();
    await original.hover();
    await original.getByRole('button', { name: 'Reply to bo_replies' }).click();
    const replying = ada.getByTestId('replying-to');
    await replying.getByText('Replying to bo_replies: Where do we meet tomorrow?').waitFor();
    // The composer has the focus, and Esc drops the reply.
    await ada.keyboard.press('Escape');
    await replying.waitFor({ state: 'detached' });
    await original.hover();
    await original.getByRole('button', { name: 'Reply to bo_replies' }).click();
    await ada.keyboard.type('At the station.');
    await ada.keyboard.press('Enter');

    const reply = message(ada, 'At the station.');
    const quote = reply.getByTestId('reply-quote');
    await quote.getByText('Where do we meet tomorrow?').waitFor();
    expect(await quote.innerText()).not.toContain('Details below');
    expect(await replying.count()).toBe(0);
    // The server stored the reply as one.
    const { updates } = await bo.readUpdates('main', { after: 30 });
    const stored = updates.find(
      (update) => update.event.type === 'message' && update.event.message.content === 'At the station.',
    );
    expect(stored?.event.type === 'message' && stored.event.message.replyTo).toBeGreaterThan(0);

    await reply.scrollIntoViewIfNeeded();
    expect(await isScrolledIntoView(ada, original)).toBe(false);
    await quote.click();
    await ada.waitForFunction(() => document.querySelector('.message.highlighted') !== null);
    expect(await isScrolledIntoView(ada, original)).toBe(true);
    expect(await original.evaluate((element) => element === document.activeElement)).toBe(true);

    // A reply that bo sends arrives with its quote in ada's page too.
    const answered = stored?.event.type === 'message' ? stored.event.message.id : 0;
    await bo.sendMessage('main', 'See you there.', { replyTo: answered });
    await message(ada, 'See you there.').getByTestId('reply-quote').getByText('At the station.').waitFor();
  });

  it('quotes an original older than the window and opens the space around it from the quote', async () => {
    const bo = await registerApiUser(env.server.baseUrl, 'bo_old');
    await bo.createSpace({ id: 'archive', name: 'archive' });
    const { message: original } = await bo.sendMessage('archive', 'The first decision, long ago.');
    await seedMessages(bo, { spaceId: 'archive', first: 1, count: 150 });
    await bo.sendMessage('archive', 'Still holds.', { replyTo: original.id });
    const ada = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada_old');
    // The sidebar lists the reader's own spaces: ada_old becomes a member of bo's space.
    await bo.addMember('archive', 'ada_old');
    await ada.reload();
    await ada.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await ada.getByRole('button', { name: 'archive', exact: true }).click();
    const quote = message(ada, 'Still holds.').getByTestId('reply-quote');
    await quote.getByText('The first decision, long ago.').waitFor();
    expect(await messageById(ada, String(original.id)).count()).toBe(0);
    await quote.click();
    await messageById(ada, String(original.id)).waitFor();
  });

  it('edits converge in another page live and after a reload, and show (edited) with the time', async () => {
    const [ann, cy] = await twoReaders(env, ['ann_edits', 'cy_edits']);
    await sendInUi(ann, 'Lunch at 12, sharp.');
    await sendInUi(ann, 'Bring a tpyo.');
    await message(cy, 'Bring a tpyo.').waitFor();

    // ArrowUp in the empty composer edits the last message, Enter saves.
    await composer(ann).focus();
    await ann.keyboard.press('ArrowUp');
    const editor = ann.getByRole('textbox', { name: 'Edit message' });
    expect(await editor.inputValue()).toBe('Bring a tpyo.');
    await editor.fill('Bring a typo.');
    await editor.press('Enter');
    await editor.waitFor({ state: 'detached' });
    expect(await composer(ann).evaluate((element) => element === document.activeElement)).toBe(true);

    for (const page of [ann, cy]) {
      const edited = message(page, 'Bring a typo.');
      await edited.locator('.edited', { hasText: '(edited)' }).waitFor();
      expect(await edited.locator('.edited').getAttribute('title')).toMatch(/^Edited /);
    }
    expect(await cy.getByText('Bring a tpyo.').count()).toBe(0);

    // The Edit button, and Esc cancels without a change.
    const first = message(ann, 'Lunch at 12, sharp.');
    await first.hover();
    await first.getByRole('button', { name: 'Edit message' }).click();
    await editor.fill('Lunch at 1?');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await first.locator('.edited').count()).toBe(0);

    await cy.reload();
    await message(cy, 'Bring a typo.').locator('.edited').waitFor();
    expect(await cy.getByText('Bring a tpyo.').count()).toBe(0);
    expect(await message(cy, 'Lunch at 12, sharp.').count()).toBe(1);
    // Someone else's message offers no edit or delete.
    const others = message(cy, 'Bring a typo.');
    await others.hover();
    await others.getByRole('button', { name: 'Reply to ann_edits' }).waitFor();
    expect(await others.getByRole('button', { name: 'Edit message' }).count()).toBe(0);
    expect(await others.getByRole('button', { name: 'Delete message' }).count()).toBe(0);
  });

  it('deletes after a confirmation: a tombstone for everyone, the text gone from both pages', async () => {
    const [di, ed] = await twoReaders(env, ['di_deletes', 'ed_deletes']);
    await sendInUi(di, 'the secret plan');
    await sendInUi(di, 'stays');
    await message(ed, 'the secret plan').waitFor();

    const doomed = message(di, 'the secret plan');
    const doomedId = await doomed.getAttribute('data-message-id');
    await doomed.hover();
    await doomed.getByRole('button', { name: 'Delete message' }).click();
    // Cancel first: nothing happens.
    await doomed.getByRole('button', { name: 'Cancel' }).click();
    await doomed.hover();
    await doomed.getByRole('button', { name: 'Delete message' }).click();
    await di.getByRole('group', { name: 'Delete this message' }).getByRole('button', { name: 'Delete' }).click();

    for (const page of [di, ed]) {
      const tombstone = messageById(page, doomedId);
      await tombstone.getByText('This message was deleted').waitFor();
      await page.waitForFunction(() => !document.body.innerText.includes('the secret plan'));
      await tombstone.hover();
      expect(await tombstone.getByRole('button').count()).toBe(0);
    }
    await ed.reload();
    await message(ed, 'stays').waitFor();
    await messageById(ed, doomedId).getByText('This message was deleted').waitFor();
    expect(await ed.evaluate(() => document.body.innerText.includes('the secret plan'))).toBe(false);
  });

  it('toggles reactions with counts live in two pages, and names who reacted', async () => {
    const [fay, gus] = await twoReaders(env, ['fay_reacts', 'gus_reacts']);
    await sendInUi(fay, 'Pizza tonight?');
    const pizzaForGus = message(gus, 'Pizza tonight?');
    await pizzaForGus.waitFor();

    // gus reacts from the picker, by keyboard.
    await pizzaForGus.hover();
    await pizzaForGus.getByRole('button', { name: 'Add reaction' }).click();
    await gus.getByTestId('emoji-picker').waitFor();
    await gus.keyboard.press('Tab');
    await gus.keyboard.press('Enter');
    for (const page of [fay, gus]) {
      const chip = message(page, 'Pizza tonight?').locator('[data-testid="reaction"][data-emoji="❤️"]');
      await chip.filter({ hasText: '1' }).waitFor();
    }
    const gusHeart = pizzaForGus.locator('[data-testid="reaction"][data-emoji="❤️"]');
    expect(await gusHeart.getAttribute('aria-pressed')).toBe('true');

    // fay adds the same emoji by its chip: 2, then takes it back: 1.
    const fayHeart = message(fay, 'Pizza tonight?').locator('[data-testid="reaction"][data-emoji="❤️"]');
    expect(await fayHeart.getAttribute('aria-pressed')).toBe('false');
    expect(await fayHeart.getAttribute('title')).toBe('gus_reacts');
    await fayHeart.click();
    await gusHeart.filter({ hasText: '2' }).waitFor();
    expect(await gusHeart.getAttribute('title')).toBe('fay_reacts and you');
    expect(await fayHeart.getAttribute('aria-pressed')).toBe('true');
    await fayHeart.click();
    await gusHeart.filter({ hasText: '1' }).waitFor();
    // gus takes his back: the chip goes in both pages.
    await gusHeart.click();
    for (const page of [fay, gus]) {
      await message(page, 'Pizza tonight?').getByTestId('reaction').waitFor({ state: 'detached' });
    }
  });

  it.each(['light', 'dark'] as const)(
    'has no serious or critical axe violations with quotes, edits, tombstones, reactions and open actions (%s)',
    async (colorScheme) => {
      const context = await env.browser.newContext({
        bypassCSP: true,
        colorScheme,
        viewport: { width: 1200, height: 800 },
      });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      await page.goto(env.server.baseUrl);
      const nick = `hal_${colorScheme}`;
      await registerInUi(page, nick);
      await sendInUi(page, `to be quoted (${colorScheme})`);
      await sendInUi(page, `to be deleted (${colorScheme})`);
      const quoted = message(page, `to be quoted (${colorScheme})`);
      await quoted.hover();
      await quoted.getByRole('button', { name: `Reply to ${nick}` }).click();
      await page.keyboard.type(`a reply (${colorScheme})`);
      await page.keyboard.press('Enter');
      await message(page, `a reply (${colorScheme})`).getByTestId('reply-quote').waitFor();
      await quoted.hover();
      await quoted.getByRole('button', { name: 'Add reaction' }).click();
      await page.getByTestId('emoji-picker').getByRole('button', { name: 'React with 🎉' }).click();
      await quoted.getByTestId('reaction').waitFor();
      const doomed = message(page, `to be deleted (${colorScheme})`);
      const doomedId = await doomed.getAttribute('data-message-id');
      await doomed.hover();
      await doomed.getByRole('button', { name: 'Delete message' }).click();
      await page.getByRole('group', { name: 'Delete this message' }).getByRole('button', { name: 'Delete' }).click();
      await messageById(page, doomedId).getByText('This message was deleted').waitFor();
      await composer(page).focus();
      await page.keyboard.press('ArrowUp');
      await page.getByRole('textbox', { name: 'Edit message' }).waitFor();
      await quoted.hover();
      await quoted.getByRole('button', { name: 'Add reaction' }).click();
      await page.getByTestId('emoji-picker').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    },
  );
});
