import type { Browser, Page } from 'playwright-core';
import { registerApiUser } from './support/api';
import { openApp, openAppAs, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

/** A space's button in the sidebar. */
function spaceButton(page: Page, spaceId: string) {
  return page.getByRole('navigation', { name: 'Spaces' }).locator(`[data-space-id="${spaceId}"]`);
}

async function badgeText(page: Page, spaceId: string): Promise<string> {
  const badge = spaceButton(page, spaceId).getByTestId('unread-badge');
  return (await badge.count()) === 0 ? '' : badge.innerText();
}

/** Waits until `spaceId`'s unread badge says `count` ('' for none). */
async function waitForBadge(page: Page, spaceId: string, count: string): Promise<void> {
  await page.waitForFunction(
    ([id, expected]) => {
      const button = document.querySelector(`nav [data-space-id="${id}"]`);
      const badge = button?.querySelector('[data-testid="unread-badge"]');
      return button !== null && (badge?.textContent?.trim() ?? '') === expected;
    },
    [spaceId, count] as const,
  );
}

async function openSpaceInUi(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

/** The session key the app keeps, to open the same timite in another browser profile. */
async function sessionKey(page: Page): Promise<string> {
  const key = await page.evaluate(() => localStorage.getItem('tim.session'));
  if (key === null) throw new Error('No session in localStorage.');
  return key;
}

/**
 * Records every desktop notification the page makes and every permission request, and lets the
 * test hide the page (document.visibilityState) as another tab in front would.
 */
async function recordNotifications(browser: Browser, baseUrl: string, permission: 'granted' | 'default') {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  if (permission === 'granted') await context.grantPermissions(['notifications'], { origin: baseUrl });
  await context.addInitScript(() => {
    const recorded = window as unknown as {
      notifications: Array<{ title: string; body: string | undefined }>;
      permissionRequests: number;
      pageHidden: boolean;
    };
    recorded.notifications = [];
    recorded.permissionRequests = 0;
    recorded.pageHidden = false;
    const Original = window.Notification;
    // A constructor that returns the real notification, so what the page gets is unchanged.
    const RecordedNotification = function (title: string, options?: NotificationOptions) {
      recorded.notifications.push({ title, body: options?.body });
      return new Original(title, options);
    };
    Object.defineProperty(RecordedNotification, 'permission', { get: () => Original.permission });
    Object.defineProperty(RecordedNotification, 'requestPermission', {
      value: () => {
        recorded.permissionRequests += 1;
        return Original.requestPermission();
      },
    });
    window.Notification = RecordedNotification as unknown as typeof Notification;
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (recorded.pageHidden ? 'hidden' : 'visible'),
    });
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => recorded.pageHidden });
  });
  const page = await context.newPage();
  await page.goto(baseUrl);
  return page;
}

function notificationsOf(page: Page): Promise<Array<{ title: string; body: string | undefined }>> {
  return page.evaluate(
    () => (window as unknown as { notifications: Array<{ title: string; body: string }> }).notifications,
  );
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    (window as unknown as { pageHidden: boolean }).pageHidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

describe('unread counts, read markers and notifications in the browser', () => {
  const env = useE2eEnv();

  it('counts messages and mentions live in other spaces, in the sidebar and the title, and clears them on opening', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal');
    await hal.createSpace({ id: 'ops', name: 'ops' });
    const ada = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada');
    // The sidebar lists the reader's own spaces: ada becomes a member of hal's space.
    await hal.addMember('ops', 'ada');
    await ada.reload();
    await ada.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await spaceButton(ada, 'ops').waitFor();
    expect(await badgeText(ada, 'ops')).toBe('');

    await hal.sendMessage('ops', 'the deploy is done');
    await waitForBadge(ada, 'ops', '1');
    expect(await spaceButton(ada, 'ops').getByTestId('mention-badge').count()).toBe(0);
    await ada.waitForFunction(() => document.title === '(1) Tim');

    await hal.sendMessage('ops', '@ada can you check the logs?');
    await waitForBadge(ada, 'ops', '2');
    expect(await spaceButton(ada, 'ops').getByTestId('mention-badge').innerText()).toBe('@1');
    await ada.waitForFunction(() => document.title === '(@1 · 2) Tim');
    const described = await spaceButton(ada, 'ops').getAttribute('aria-describedby');
    expect(await ada.locator(`#${described ?? 'none'}`).innerText()).toBe('2 unread, 1 mention');
    expect(
      await spaceButton(ada, 'ops').evaluate(
        (button) => getComputedStyle(button.querySelector('.name') as Element).fontWeight,
      ),
    ).toBe('700');

    // Messages in the open space, read as they arrive, count nowhere.
    await hal.sendMessage('main', 'hello main');
    await ada.getByTestId('message').filter({ hasText: 'hello main' }).waitFor();
    await ada.waitForTimeout(800);
    expect(await badgeText(ada, 'main')).toBe('');
    expect(await ada.title()).toBe('(@1 · 2) Tim');

    await openSpaceInUi(ada, 'ops');
    await ada.getByTestId('message').filter({ hasText: 'can you check the logs?' }).waitFor();
    await ada.waitForFunction(() => document.title === 'Tim');
    expect(await badgeText(ada, 'ops')).toBe('');

    // The server keeps the marker: a reload lists nothing unread.
    await ada.reload();
    await ada.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await spaceButton(ada, 'ops').waitFor();
    await ada.waitForTimeout(500);
    expect(await badgeText(ada, 'ops')).toBe('');
    expect(await badgeText(ada, 'main')).toBe('');
  });

  it('counts what was posted while the browser was away, after it reconnects', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal5');
    await hal.createSpace({ id: 'night', name: 'night' });
    const page = await openApp(env.browser, env.server.baseUrl);
    // The page's WebSocket goes through this gate: messages posted while it is shut reach the
    // page neither live nor as activity, only from the counts read again after the reconnect.
    const gate = { open: true };
    await page.routeWebSocket(/\/api\/v1\/ws$/, (socket) => {
      if (gate.open) socket.connectToServer();
      else void socket.close({ code: 1011, reason: 'gate shut by the test' });
    });
    await registerInUi(page, 'gil');
    // The sidebar lists the reader's own spaces: gil becomes a member of hal's space.
    await hal.addMember('night', 'gil');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await hal.sendMessage('night', 'before the outage');
    await waitForBadge(page, 'night', '1');

    gate.open = false;
    await env.server.restart();
    await page.getByTestId('connection').getByText('reconnecting…').waitFor();
    await hal.sendMessage('night', 'during the outage');
    await hal.sendMessage('night', '@gil you missed this');

    gate.open = true;
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor({ timeout: 30_000 });
    await waitForBadge(page, 'night', '3');
    expect(await spaceButton(page, 'night').getByTestId('mention-badge').innerText()).toBe('@1');
  });

  it('follows the read marker to another browser of the same timite', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal2');
    await hal.createSpace({ id: 'standup', name: 'standup' });
    const first = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(first, 'bea');
    // The sidebar lists the reader's own spaces: bea becomes a member of hal's space.
    await hal.addMember('standup', 'bea');
    await first.reload();
    await first.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    const second = await openAppAs(env.browser, env.server.baseUrl, await sessionKey(first));
    await spaceButton(second, 'standup').waitFor();

    await hal.sendMessage('standup', 'yesterday: tests');
    await hal.sendMessage('standup', 'today: more tests');
    await waitForBadge(first, 'standup', '2');
    await waitForBadge(second, 'standup', '2');

    const titleBefore = await second.title();
    await openSpaceInUi(first, 'standup');
    await waitForBadge(second, 'standup', '');
    // Spaces of the other tests are unread too: the title drops by the two read here.
    const readHere = await first.title();
    expect(readHere).not.toBe(titleBefore);
    await second.waitForFunction((title) => document.title === title, readHere);
  });

  it('draws "New since your last visit" above the first message that arrived while the reader was away', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal3');
    await hal.createSpace({ id: 'news', name: 'news' });
    await hal.sendMessage('news', 'old news');
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'cid');
    // The sidebar lists the reader's own spaces: cid becomes a member of hal's space.
    await hal.addMember('news', 'cid');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await openSpaceInUi(page, 'news');
    await page.getByTestId('message').filter({ hasText: 'old news' }).waitFor();
    await page.waitForTimeout(800);
    expect(await page.getByTestId('new-since').count()).toBe(0);

    await openSpaceInUi(page, 'main');
    await hal.sendMessage('news', 'fresh news');
    await hal.sendMessage('news', 'fresher news');
    await waitForBadge(page, 'news', '2');
    await openSpaceInUi(page, 'news');
    await page.getByTestId('message').filter({ hasText: 'fresher news' }).waitFor();
    const divider = page.getByTestId('new-since');
    await divider.waitFor();
    expect(await divider.innerText()).toContain('New since your last visit');
    const next = await divider.evaluate(
      (line) => line.closest('[data-key]')?.querySelector('[data-testid="message"] .content')?.textContent,
    );
    expect(next?.trim()).toBe('fresh news');

    // It stays while the space is open, also after new messages.
    await hal.sendMessage('news', 'breaking news');
    await page.getByTestId('message').filter({ hasText: 'breaking news' }).waitFor();
    expect(await page.getByTestId('new-since').count()).toBe(1);

    // Opened again with nothing new: no line.
    await openSpaceInUi(page, 'main');
    await openSpaceInUi(page, 'news');
    await page.getByTestId('message').filter({ hasText: 'breaking news' }).waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('new-since').count()).toBe(0);
  });

  it('notifies of a mention while the page is hidden, not of a plain message, and asks for permission only on a click', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal4');
    await hal.createSpace({ id: 'alerts', name: 'alerts' });

    const asking = await recordNotifications(env.browser, env.server.baseUrl, 'default');
    await registerInUi(asking, 'dee');
    const turnOn = asking.getByRole('button', { name: 'Turn on notifications' });
    await turnOn.waitFor();
    expect(await asking.evaluate(() => (window as unknown as { permissionRequests: number }).permissionRequests)).toBe(
      0,
    );
    await turnOn.click();
    await asking.waitForFunction(() => (window as unknown as { permissionRequests: number }).permissionRequests === 1);

    const page = await recordNotifications(env.browser, env.server.baseUrl, 'granted');
    await registerInUi(page, 'eve');
    // The sidebar lists the reader's own spaces: eve becomes a member of hal's space.
    await hal.addMember('alerts', 'eve');
    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await spaceButton(page, 'alerts').waitFor();
    expect(await page.getByRole('button', { name: 'Turn on notifications' }).count()).toBe(0);

    // On screen: a mention shows in the badge, not as a notification.
    await hal.sendMessage('alerts', '@eve while you look');
    await waitForBadge(page, 'alerts', '1');

    await setHidden(page, true);
    await hal.sendMessage('alerts', 'a plain message');
    await waitForBadge(page, 'alerts', '2');
    await hal.sendMessage('alerts', '@eve the build is red');
    await waitForBadge(page, 'alerts', '3');
    await page.waitForFunction(() => (window as unknown as { notifications: unknown[] }).notifications.length > 0);
    await page.waitForTimeout(300);
    expect(await notificationsOf(page)).toEqual([
      { title: 'hal4 mentioned you in #alerts', body: '@eve the build is red' },
    ]);
  });

  it('counts nothing of a public space the reader has not joined, yet notifies of a mention there', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal6');
    await hal.createSpace({ id: 'outside', name: 'outside' });
    const page = await recordNotifications(env.browser, env.server.baseUrl, 'granted');
    await registerInUi(page, 'fox');
    await page.waitForFunction(() => document.title === 'Tim');

    await setHidden(page, true);
    await hal.sendMessage('outside', 'a plain message');
    await hal.sendMessage('outside', '@fox look over here');
    await page.waitForFunction(() => (window as unknown as { notifications: unknown[] }).notifications.length > 0);
    expect(await notificationsOf(page)).toEqual([
      { title: 'hal6 mentioned you in #outside', body: '@fox look over here' },
    ]);
    expect(await page.title()).toBe('Tim');
    expect(await page.locator('[data-space-id="outside"]').count()).toBe(0);
  });

  it('lists a direct message someone else opened with the reader, with its badge, when its first message arrives', async () => {
    const ivy = await registerApiUser(env.server.baseUrl, 'ivy');
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'jon');
    await page.getByRole('heading', { name: 'main', exact: true }).waitFor();
    const { space } = await ivy.openDm(['jon']);
    await ivy.sendMessage(space.id, 'hi jon, a word in private?');
    const dms = page.getByRole('navigation', { name: 'Direct messages' });
    await dms.locator(`[data-space-id="${space.id}"]`).getByTestId('unread-badge').getByText('1').waitFor();
    expect(await dms.getByRole('button', { name: /ivy/ }).count()).toBe(1);
    await page.waitForFunction(() => document.title === '(1) Tim');
  });
});
