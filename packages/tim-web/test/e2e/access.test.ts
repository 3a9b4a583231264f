import { registerApiUser } from './support/api';
import { openApp, openAppAs, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('The condition did not become true in time.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
    await panel.getByTestId('member').filter({ hasText: 'hal' }).getByText('member').waitFor();
    expect(await panel.getByTestId('member').allInnerTexts()).toEqual([
      expect.stringMatching(/^gus\s+owner/),
      expect.stringMatching(/^hal\s+member/),
    ]);
    expect((await hal.listSpaces()).spaces.map((space) => space.id)).toContain('den');

    await panel.getByRole('button', { name: 'Remove hal' }).click();
    await panel.getByTestId('member').filter({ hasText: 'hal' }).waitFor({ state: 'detached' });
    expect((await hal.listSpaces()).spaces.map((space) => space.id)).not.toContain('den');
  });
});
