import { messageTexts, openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

describe('the composer under a server content limit (TIM_MAX_CONTENT_CHARS)', () => {
  const env = useE2eEnv({ env: { TIM_MAX_CONTENT_CHARS: '600' } });

  it('counts against the server’s limit, will not send past it, and sends exactly the limit', async () => {
    const ada = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(ada, 'ada');
    const box = ada.getByRole('textbox', { name: 'Message #main' });
    const send = ada.getByRole('button', { name: 'Send' });

    await box.fill('x'.repeat(601));
    await ada.getByText('601 / 600 characters').waitFor();
    expect(await send.isDisabled()).toBe(true);

    await box.fill('y'.repeat(600));
    await ada.getByText('600 / 600 characters').waitFor();
    await send.click();
    await ada
      .getByTestId('message')
      .filter({ hasText: 'y'.repeat(600) })
      .waitFor();
    expect(await messageTexts(ada)).toEqual(['y'.repeat(600)]);
  });
});
