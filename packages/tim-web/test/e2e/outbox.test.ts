import type { Page, Route } from 'playwright-core';
import { registerApiUser, storedContents } from './support/api';
import { openAppAs, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

const MESSAGES = '**/api/v1/spaces/main/messages';

/** Fails every POST of a message as a dropped connection would, and tells each clientMsgId it saw. */
async function dropSends(page: Page, seen: (content: string, clientMsgId: string) => void): Promise<void> {
  await page.route(MESSAGES, async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = route.request().postDataJSON() as { content: string; clientMsgId: string };
    seen(body.content, body.clientMsgId);
    return route.abort('connectionreset');
  });
}

describe('the outbox', () => {
  const env = useE2eEnv();

  it('keeps unsent messages across a reload, and confirms one that arrived without its answer', async () => {
    const ivy = await registerApiUser(env.server.baseUrl, 'ivy');
    const page = await openAppAs(env.browser, env.server.baseUrl, ivy.key!);
    const ids = new Map<string, string>();
    await dropSends(page, (content, clientMsgId) => ids.set(content, clientMsgId));
    await sendInUi(page, 'lost on the way');
    await sendInUi(page, 'arrived, answer lost');
    const failed = page.locator('[data-status="failed"]');
    await failed.filter({ hasText: 'lost on the way' }).waitFor();
    await failed.filter({ hasText: 'arrived, answer lost' }).waitFor();
    await page.unroute(MESSAGES);

    // While the page is away, the second request reaches the server after all (its answer was
    // what got lost): the same timite, the same clientMsgId.
    await page.close();
    const arrivedId = ids.get('arrived, answer lost')!;
    await ivy.sendMessage('main', 'arrived, answer lost', { clientMsgId: arrivedId });

    const again = await page.context().newPage();
    await again.goto(env.server.baseUrl);
    await again.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await again.locator('[data-key^="u"]').filter({ hasText: 'arrived, answer lost' }).waitFor();
    const stillFailed = again.locator('[data-status="failed"]').filter({ hasText: 'lost on the way' });
    await stillFailed.getByRole('button', { name: 'Retry' }).waitFor();
    // The one that arrived leaves the outbox once the page has matched it with the stored message.
    await again.locator('[data-status]').filter({ hasText: 'arrived, answer lost' }).waitFor({ state: 'detached' });
    expect(await again.locator('[data-status]').count()).toBe(1);

    await stillFailed.getByRole('button', { name: 'Retry' }).click();
    await again.locator('[data-key^="u"]').filter({ hasText: 'lost on the way' }).waitFor();
    await again.locator('[data-status]').filter({ hasText: 'lost on the way' }).waitFor({ state: 'detached' });
    expect(await again.locator('[data-status]').count()).toBe(0);
    await again.reload();
    await again.locator('[data-key^="u"]').filter({ hasText: 'lost on the way' }).waitFor();
    expect(await again.locator('[data-status]').count()).toBe(0);

    const contents = await storedContents(ivy, 'main');
    expect(contents).toEqual(['arrived, answer lost', 'lost on the way']);
  });

  it('shows a send the frozen server never answers as not sent, and its retry posts it once', async () => {
    const joe = await registerApiUser(env.server.baseUrl, 'joe');
    const page = await openAppAs(env.browser, env.server.baseUrl, joe.key!);
    env.server.freeze();
    try {
      await sendInUi(page, 'into the void');
      // 15 s without an answer, plus room for a busy machine; before, "sending…" stayed for minutes.
      const failed = page.locator('[data-status="failed"]').filter({ hasText: 'into the void' });
      await failed.getByText(/did not answer within 15 s/).waitFor({ timeout: 25_000 });
      await failed.getByRole('button', { name: 'Retry' }).click();
      await page.locator('[data-status="pending"]').filter({ hasText: 'into the void' }).waitFor();
    } finally {
      env.server.thaw();
    }
    // Both requests reach the server now; the second is answered with the first's message.
    await page.locator('[data-key^="u"]').filter({ hasText: 'into the void' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-status]').count()).toBe(0);
    expect(await page.getByTestId('message').filter({ hasText: 'into the void' }).count()).toBe(1);
    const contents = await storedContents(joe, 'main');
    expect(contents.filter((content) => content === 'into the void')).toHaveLength(1);
  });
});
