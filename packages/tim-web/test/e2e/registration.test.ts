import { openApp } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

describe('registration with an invite-only server', () => {
  const env = useE2eEnv({ env: { TIM_REGISTRATION: 'invite' } });

  it('asks for an invite code, shows the server refusing a wrong one, and registers with a good one', async () => {
    const code = await env.server.createInvite();
    const page = await openApp(env.browser, env.server.baseUrl);
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Nick').fill('ada');
    await page.getByLabel('Password').fill('correct horse battery');
    const invite = page.getByLabel('Invite code');
    expect(await invite.getAttribute('required')).not.toBeNull();

    await invite.fill('not-a-code');
    await page.getByRole('button', { name: 'Register' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/invite/i);

    await invite.fill(code);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
  });
});

describe('registration with a closed server', () => {
  const env = useE2eEnv({ env: { TIM_REGISTRATION: 'closed' } });

  it('offers only logging in, with a sentence saying registration is closed', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await page
      .getByTestId('registration-note')
      .getByText(/closed/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'New here? Create an account' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
