import { registerApiUser } from './support/api';
import { messageTexts, openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

describe('server restart', () => {
  const env = useE2eEnv();

  it('reconnects and shows the messages it missed, in order and once each', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    // The page's WebSocket goes through this gate, so the test decides when it may reconnect:
    // messages posted while the gate is shut are certainly missed and must come from the resume.
    const gate = { open: true };
    await page.routeWebSocket(/\/api\/v1\/ws$/, (socket) => {
      if (gate.open) socket.connectToServer();
      else void socket.close({ code: 1011, reason: 'gate shut by the test' });
    });
    await registerInUi(page, 'fay');
    const gus = await registerApiUser(env.server.baseUrl, 'gus');
    for (const content of ['m1', 'm2']) await gus.sendMessage('main', content);
    await page.getByTestId('message').filter({ hasText: 'm2' }).waitFor();

    gate.open = false;
    await env.server.restart();
    await page.getByTestId('connection').getByText('reconnecting…').waitFor();
    const missed = Array.from({ length: 10 }, (_, index) => `m${index + 3}`);
    for (const content of missed) await gus.sendMessage('main', content);

    gate.open = true;
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByTestId('message').filter({ hasText: 'm12' }).waitFor();
    expect(await messageTexts(page)).toEqual(['m1', 'm2', ...missed]);
  });
});
