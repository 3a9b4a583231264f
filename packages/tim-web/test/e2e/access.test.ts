import type { Locator, Page } from 'playwright-core';
import { registerApiUser } from './support/api';
import { seriousViolations } from './support/axe';
import { openApp, openAppAs, registerInUi } from './support/browser';
import { useE2eEnv, type E2eEnv } from './support/e2e-env';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('The condition did not become true in time.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The app signed in with `key`, in a context that lets axe in past the app's CSP. */
async function openAppForAxeAs(env: E2eEnv, key: string): Promise<Page> {
  const context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(15_000);
  await context.addInitScript((sessionKey) => localStorage.setItem('tim.session', sessionKey), key);
  const page = await context.newPage();
  await page.goto(env.server.baseUrl);
  await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
  return page;
}

/** Opens a space from the sidebar and returns its members panel once the members are listed. */
async function openMembers(page: Page, spaceName: string): Promise<Locator> {
  await page
    .getByRole('navigation', { name: 'Spaces' })
    .getByRole('button', { name: new RegExp(`^${spaceName}`) })
    .click();
  await page.getByRole('heading', { name: spaceName, exact: true }).waitFor();
  const panel = page.getByRole('region', { name: /^Members/ });
  await panel.getByTestId('member').first().waitFor();
  return panel;
}

/** Each member row as "nick role", the role read from the row's role control when it has one. */
function listedMembers(panel: Locator): Promise<string[]> {
  return panel.getByTestId('member').evaluateAll((rows) =>
    rows.map((row) => {
      const nick = row.querySelector('.nick')?.textContent ?? '';
      const role = row.querySelector('select')?.value ?? row.querySelector('.role')?.textContent ?? '';
      return `${nick} ${role}`;
    }),
  );
}

/** The roles a row's role control offers, in order. */
function offeredRoles(panel: Locator, nick: string): Promise<string[]> {
  return panel
    .getByRole('combobox', { name: `Role of ${nick}` })
    .locator('option')
    .allInnerTexts();
}

describe('who may be where, in the browser (issue 19)', () => {
  const env = useE2eEnv();

  it('lists a direct message apart for both people, and opening it again gives the same space', async () => {
    const bob = await registerApiUser(env.server.baseUrl, 'bob');
    const ada = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada');
    const adaDms = ada.getByRole('navigation', { name: 'Direct messages' });

    await adaDms.getByRole('button', { name: '+ New message' }).click();
    await adaDms.getByLabel('Nicks').fill('@bob');
    await adaDms.getByRole('button', { name: 'Open', exact: true }).click();
    await ada.getByRole('heading', { name: 'bob', exact: true }).waitFor();
    const dm = adaDms.getByRole('button', { name: 'bob', exact: true });
    const dmId = await dm.getAttribute('data-space-id');
    expect(dmId).toMatch(/^dm-/);
    const adaSpaces = ada.getByRole('navigation', { name: 'Spaces' });
    expect(await adaSpaces.locator(`[data-space-id="${dmId}"]`).count()).toBe(0);

    await ada.getByRole('button', { name: 'main', exact: true }).click();
    await ada.getByRole('heading', { name: 'main', exact: true }).waitFor();
    await adaDms.getByRole('button', { name: '+ New message' }).click();
    await adaDms.getByLabel('Nicks').fill('BOB');
    await adaDms.getByRole('button', { name: 'Open', exact: true }).click();
    await ada.getByRole('heading', { name: 'bob', exact: true }).waitFor();
    expect(await adaDms.getByTestId('space').count()).toBe(1);
    expect(await adaDms.getByTestId('space').getAttribute('data-space-id')).toBe(dmId);

    const bobPage = await openAppAs(env.browser, env.server.baseUrl, bob.key ?? '');
    const bobDms = bobPage.getByRole('navigation', { name: 'Direct messages' });
    await bobDms.getByRole('button', { name: 'ada', exact: true }).click();
    await bobPage.getByRole('heading', { name: 'ada', exact: true }).waitFor();
    expect(await bobDms.getByTestId('space').getAttribute('data-space-id')).toBe(dmId);
    expect((await bob.openDm(['ada'])).space.id).toBe(dmId);
  });

  it('lists a private space the reader is invited to, and a direct message opened with them, at once and without a reload', async () => {
    const vic = await registerApiUser(env.server.baseUrl, 'vic');
    const wes = await registerApiUser(env.server.baseUrl, 'wes');
    await vic.createSpace({ id: 'porch', name: 'Porch' });
    await wes.joinSpace('porch');
    await vic.createSpace({ id: 'vault', name: 'Vault', visibility: 'private' });
    const page = await openAppAs(env.browser, env.server.baseUrl, wes.key ?? '');
    await page.getByRole('heading', { name: 'main', exact: true }).waitFor();
    const spaces = page.getByRole('navigation', { name: 'Spaces' });
    // A badge from the unread feed: the feed is live before anyone adds the reader anywhere.
    await vic.sendMessage('porch', 'anyone here?');
    await spaces.locator('[data-space-id="porch"]').getByTestId('unread-badge').getByText('1').waitFor();
    await page.evaluate(() => ((window as unknown as { isSamePage?: boolean }).isSamePage = true));

    await vic.addMember('vault', 'wes');
    await spaces.locator('[data-space-id="vault"]').getByTestId('private-mark').waitFor();
    const { space } = await vic.openDm(['wes']);
    const dms = page.getByRole('navigation', { name: 'Direct messages' });
    await dms.locator(`[data-space-id="${space.id}"]`).getByText('vic').waitFor();
    expect(await page.evaluate(() => (window as unknown as { isSamePage?: boolean }).isSamePage)).toBe(true);
  });

  it('creates a private space with a lock mark, which a non-member does not see', async () => {
    const cy = await registerApiUser(env.server.baseUrl, 'cy');
    const dee = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(dee, 'dee');
    const spaces = dee.getByRole('navigation', { name: 'Spaces' });
    await spaces.getByRole('button', { name: '+ New space' }).click();
    await spaces.getByLabel('New space name').fill('Hideout');
    await spaces.getByLabel('Private (members only)').check();
    await spaces.getByRole('button', { name: 'Create' }).click();
    await dee.getByRole('heading', { name: 'Hideout', exact: true }).waitFor();
    const entry = spaces.locator('[data-space-id="hideout"]');
    await entry.getByTestId('private-mark').waitFor();
    expect(await spaces.locator('[data-space-id="main"]').getByTestId('private-mark').count()).toBe(0);

    expect((await cy.listSpaces()).spaces.map((space) => space.id)).not.toContain('hideout');
    const cyPage = await openAppAs(env.browser, env.server.baseUrl, cy.key ?? '');
    await cyPage.getByRole('heading', { name: 'main', exact: true }).waitFor();
    await cyPage
      .getByRole('navigation', { name: 'Spaces' })
      .getByRole('button', { name: 'main', exact: true })
      .waitFor();
    expect(await cyPage.locator('[data-space-id="hideout"]').count()).toBe(0);
  });

  it('takes a space away from a member the owner removes, with a notice, and opens main', async () => {
    const owner = await registerApiUser(env.server.baseUrl, 'eve');
    const fay = await registerApiUser(env.server.baseUrl, 'fay');
    await owner.createSpace({ id: 'club', name: 'Club', visibility: 'private' });
    const member = await owner.addMember('club', 'fay');

    const page = await openAppAs(env.browser, env.server.baseUrl, fay.key ?? '');
    const spaces = page.getByRole('navigation', { name: 'Spaces' });
    await spaces.getByRole('button', { name: /^Club/ }).click();
    await page.getByRole('heading', { name: 'Club', exact: true }).waitFor();
    // fay's subscription is live once the server counts her present in the space.
    await waitFor(async () => (await owner.presence('club')).some((timite) => timite.nick === 'fay'));

    await owner.removeMember('club', member.timite.id);
    await page.getByRole('alert').getByText('You were removed from #Club.').waitFor();
    await page.getByRole('heading', { name: 'main', exact: true }).waitFor();
    expect(await spaces.locator('[data-space-id="club"]').count()).toBe(0);
  });

  it("lists the open space's members with roles; its owner invites by nick and removes", async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal');
    const gus = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(gus, 'gus');
    const spaces = gus.getByRole('navigation', { name: 'Spaces' });
    await spaces.getByRole('button', { name: '+ New space' }).click();
    await spaces.getByLabel('New space name').fill('Den');
    await spaces.getByLabel('Private (members only)').check();
    await spaces.getByRole('button', { name: 'Create' }).click();
    await gus.getByRole('heading', { name: 'Den', exact: true }).waitFor();

    const panel = gus.getByRole('region', { name: /^Members/ });
    await panel.getByTestId('member').filter({ hasText: 'gus' }).getByText('owner').waitFor();
    await panel.getByLabel('Invite by nick').fill('nobody-here');
    await panel.getByRole('button', { name: 'Invite' }).click();
    await panel
      .getByRole('alert')
      .getByText(/nobody-here/)
      .waitFor();

    await panel.getByLabel('Invite by nick').fill('hal');
    await panel.getByRole('button', { name: 'Invite' }).click();
    await panel.getByRole('combobox', { name: 'Role of hal' }).waitFor();
    expect(await listedMembers(panel)).toEqual(['gus owner', 'hal member']);
    expect((await hal.listSpaces()).spaces.map((space) => space.id)).toContain('den');

    await panel.getByRole('button', { name: 'Remove hal' }).click();
    await panel.getByTestId('member').filter({ hasText: 'hal' }).waitFor({ state: 'detached' });
    expect((await hal.listSpaces()).spaces.map((space) => space.id)).not.toContain('den');
  });

  it('lets an owner make a member admin from the panel, and the new role holds after a reload', async () => {
    const ivy = await registerApiUser(env.server.baseUrl, 'ivy');
    await registerApiUser(env.server.baseUrl, 'jon');
    await registerApiUser(env.server.baseUrl, 'kit');
    await ivy.createSpace({ id: 'guild', name: 'Guild', visibility: 'private' });
    await ivy.addMember('guild', 'jon');
    await ivy.addMember('guild', 'kit');

    const page = await openAppForAxeAs(env, ivy.key ?? '');
    const panel = await openMembers(page, 'Guild');
    expect(await offeredRoles(panel, 'jon')).toEqual(['owner', 'admin', 'member']);
    // The last owner keeps the role: ivy's own row has no control.
    expect(await panel.getByRole('combobox', { name: 'Role of ivy' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await panel.getByRole('combobox', { name: 'Role of jon' }).selectOption('admin');
    await panel.getByRole('status').getByText('jon is now an admin.').waitFor();
    expect(await listedMembers(panel)).toEqual(['ivy owner', 'jon admin', 'kit member']);
    const stored = await ivy.listMembers('guild');
    expect(stored.find((member) => member.timite.nick === 'jon')?.role).toBe('admin');

    await page.reload();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    const reloaded = await openMembers(page, 'Guild');
    await reloaded.getByRole('combobox', { name: 'Role of jon' }).waitFor();
    expect(await listedMembers(reloaded)).toEqual(['ivy owner', 'jon admin', 'kit member']);
  });

  it('changes a role from the keyboard, and focus stays on the role control', async () => {
    const tia = await registerApiUser(env.server.baseUrl, 'tia');
    await registerApiUser(env.server.baseUrl, 'uma');
    await tia.createSpace({ id: 'loft', name: 'Loft', visibility: 'private' });
    await tia.addMember('loft', 'uma');

    const page = await openAppAs(env.browser, env.server.baseUrl, tia.key ?? '');
    const panel = await openMembers(page, 'Loft');
    const umas = panel.getByRole('combobox', { name: 'Role of uma' });
    await umas.focus();
    // Chromium changes a closed select's value with the arrow keys, one change event each.
    await page.keyboard.press('ArrowUp');
    await panel.getByRole('status').getByText('uma is now an admin.').waitFor();
    // The control is disabled while the change is sent, which takes focus away; it comes back.
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Role of uma');
    await page.keyboard.press('ArrowUp');
    await panel.getByRole('status').getByText('uma is now an owner.').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Role of uma');
    expect(await listedMembers(panel)).toEqual(['tia owner', 'uma owner']);
  });

  it('offers an admin no owner role and no control over owners, and asks before it steps down', async () => {
    const lea = await registerApiUser(env.server.baseUrl, 'lea');
    const max = await registerApiUser(env.server.baseUrl, 'max');
    await registerApiUser(env.server.baseUrl, 'ned');
    await lea.createSpace({ id: 'forge', name: 'Forge', visibility: 'private' });
    await lea.addMember('forge', 'max', 'admin');
    await lea.addMember('forge', 'ned');

    const page = await openAppForAxeAs(env, max.key ?? '');
    const panel = await openMembers(page, 'Forge');
    await panel.getByRole('combobox', { name: 'Role of ned' }).waitFor();
    expect(await offeredRoles(panel, 'ned')).toEqual(['admin', 'member']);
    expect(await offeredRoles(panel, 'max')).toEqual(['admin', 'member']);
    expect(await panel.getByRole('combobox', { name: 'Role of lea' }).count()).toBe(0);
    expect(await listedMembers(panel)).toEqual(['lea owner', 'max admin', 'ned member']);

    const own = panel.getByRole('combobox', { name: 'Role of max' });
    await own.selectOption('member');
    const question = panel.getByRole('group', { name: 'Step down to member? You cannot undo this yourself.' });
    await page.waitForFunction(() => document.activeElement?.textContent === 'Step down');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await own.inputValue()).toBe('admin');
    expect(await own.evaluate((element) => element === document.activeElement)).toBe(true);

    await own.selectOption('member');
    await question.getByRole('button', { name: 'Step down' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await question.getByRole('button', { name: 'Step down' }).click();
    await panel.getByRole('status').getByText('You are now a member.').waitFor();
    expect(await listedMembers(panel)).toEqual(['lea owner', 'max member', 'ned member']);
    expect(await panel.getByRole('combobox').count()).toBe(0);
    expect(await panel.getByLabel('Invite by nick').count()).toBe(0);
  });

  it("shows the server's reason for a refused change, and the row keeps its role", async () => {
    const oli = await registerApiUser(env.server.baseUrl, 'oli');
    const pam = await registerApiUser(env.server.baseUrl, 'pam');
    const rex = await registerApiUser(env.server.baseUrl, 'rex');
    await registerApiUser(env.server.baseUrl, 'sue');
    await oli.createSpace({ id: 'yard', name: 'Yard', visibility: 'private' });
    const pamMember = await oli.addMember('yard', 'pam', 'admin');
    await oli.changeRole('yard', pamMember.timite.id, 'owner');
    const rexMember = await oli.addMember('yard', 'rex', 'admin');
    await oli.addMember('yard', 'sue');

    // oli sees a second owner and may step down; pam steps down first.
    const olisPage = await openAppAs(env.browser, env.server.baseUrl, oli.key ?? '');
    const olisPanel = await openMembers(olisPage, 'Yard');
    await olisPanel.getByRole('combobox', { name: 'Role of oli' }).selectOption('member');
    await pam.changeRole('yard', pamMember.timite.id, 'member');
    await olisPanel.getByRole('button', { name: 'Step down' }).click();
    await olisPanel
      .getByRole('alert')
      .getByText('A space keeps at least one owner: make someone else owner first.')
      .waitFor();
    // The list is read again: oli, the last owner now, has no control over its role.
    await olisPanel.getByRole('combobox', { name: 'Role of oli' }).waitFor({ state: 'detached' });
    expect(await listedMembers(olisPanel)).toEqual(['oli owner', 'rex admin', 'pam member', 'sue member']);

    // rex, an admin when the panel was read, is a member by the time it changes sue's role.
    const rexsPage = await openAppAs(env.browser, env.server.baseUrl, rex.key ?? '');
    const rexsPanel = await openMembers(rexsPage, 'Yard');
    const sues = rexsPanel.getByRole('combobox', { name: 'Role of sue' });
    await sues.waitFor();
    await oli.changeRole('yard', rexMember.timite.id, 'member');
    await sues.selectOption('admin');
    await rexsPanel
      .getByRole('alert')
      .getByText(/Only the owners and admins of "yard" change roles/)
      .waitFor();
    await sues.waitFor({ state: 'detached' });
    expect(await listedMembers(rexsPanel)).toEqual(['oli owner', 'pam member', 'rex member', 'sue member']);
    const stored = await oli.listMembers('yard');
    expect(stored.find((member) => member.timite.nick === 'sue')?.role).toBe('member');
  });
});
