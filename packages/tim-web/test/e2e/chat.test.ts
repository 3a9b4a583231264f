import { TimClient } from '@tim/protocol';
import { registerApiUser, seedMessages } from './support/api';
import { messageTexts, openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

describe('two people in the browser', () => {
  const env = useE2eEnv();

  it('see each other, each other’s typing and each other’s messages live', async () => {
    const ada = await openApp(env.browser, env.server.baseUrl);
    const bo = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada');
    await registerInUi(bo, 'bo');

    await ada
      .getByRole('region', { name: /Here now/ })
      .getByText('bo', { exact: true })
      .waitFor();
    await bo.getByRole('textbox', { name: 'Message #main' }).pressSequentially('hel');
    await ada.getByTestId('activity').getByText('bo is typing…').waitFor();

    await sendInUi(bo, 'hello @ada, welcome');
    await ada.getByTestId('message').filter({ hasText: 'hello @ada, welcome' }).waitFor();
    await ada.locator('mark.mention.me', { hasText: '@ada' }).waitFor();
    await sendInUi(ada, 'hi bo\nsecond line');
    await bo.getByTestId('message').filter({ hasText: 'second line' }).waitFor();

    for (const page of [ada, bo])
      expect(await messageTexts(page)).toEqual(['hello @ada, welcome', 'hi bo\nsecond line']);
    const time = ada.getByTestId('message').first().locator('time');
    expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('keeps the session across a reload and forgets it on logout', async () => {
    const cy = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(cy, 'cy');
    await cy.getByRole('textbox', { name: 'Message #main' }).fill('a draft survives');
    await cy.reload();
    await cy.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    expect(await cy.getByRole('textbox', { name: 'Message #main' }).inputValue()).toBe('a draft survives');
    await cy.getByRole('button', { name: 'Log out' }).click();
    await cy.getByRole('button', { name: 'Log in' }).waitFor();
    await cy.reload();
    await cy.getByRole('button', { name: 'Log in' }).waitFor();
  });

  it('creates a space and switches between spaces', async () => {
    const di = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(di, 'di');
    await di.getByRole('button', { name: '+ New space' }).click();
    await di.getByLabel('New space name').fill('Night Owls');
    await di.getByRole('button', { name: 'Create' }).click();
    await di
      .getByRole('button', { name: 'Night Owls', exact: true })
      .and(di.locator('[aria-current="page"]'))
      .waitFor();
    await sendInUi(di, 'first in the new space');
    await di.getByTestId('message').filter({ hasText: 'first in the new space' }).waitFor();
    await di.getByRole('button', { name: 'main', exact: true }).click();
    await di.getByTestId('message').filter({ hasText: 'hello @ada, welcome' }).waitFor();
    expect(await messageTexts(di)).not.toContain('first in the new space');
  });

  it('reads the members of the open space once per opening, not once per message that arrives', async () => {
    const fay = await openApp(env.browser, env.server.baseUrl);
    const memberReads: string[] = [];
    fay.on('request', (request) => {
      if (/\/spaces\/[^/]+\/members$/.test(new URL(request.url()).pathname)) memberReads.push(request.url());
    });
    await registerInUi(fay, 'fay');
    await fay.getByRole('heading', { name: 'main', exact: true }).waitFor();
    while (memberReads.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const readsAtOpening = memberReads.length;
    const gus = await registerApiUser(env.server.baseUrl, 'gus');
    await seedMessages(gus, { spaceId: 'main', first: 1, count: 30 });
    await fay.getByTestId('message').filter({ hasText: 'seed 30' }).waitFor();
    expect(memberReads.length).toBe(readsAtOpening);
  });

  it('marks an agent’s messages with an agent badge', async () => {
    const jarvis = new TimClient({ baseUrl: env.server.baseUrl, key: await env.server.addAgent('jarvis') });
    await jarvis.sendMessage('main', 'Beep. Jarvis here.');
    const el = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(el, 'el');
    const message = el.getByTestId('message').filter({ hasText: 'Beep. Jarvis here.' });
    await message.locator('.badge.agent', { hasText: 'agent' }).waitFor();
  });
});
