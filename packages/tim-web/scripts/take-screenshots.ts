// Writes docs/screenshot-desktop.png and docs/screenshot-narrow.png: the main screen with a
// realistic conversation, against a real tim-code serving the built client. Run through jest
// (`pnpm --filter @tim/web screenshots`) so it shares the e2e tests' server and browser helpers.
import { join, resolve } from 'node:path';
import { TimClient } from '@tim/protocol';
import { openApp, openAppAs, registerInUi, sendInUi } from '../test/e2e/support/browser';
import { registerApiUser } from '../test/e2e/support/api';
import { useE2eEnv } from '../test/e2e/support/e2e-env';

const DOCS = resolve(__dirname, '../../../docs');

describe('screenshots', () => {
  const env = useE2eEnv();

  it('writes the desktop and narrow screenshots of a conversation', async () => {
    const jarvis = new TimClient({ baseUrl: env.server.baseUrl, key: await env.server.addAgent('Jarvis') });
    const alice = new TimClient({ baseUrl: env.server.baseUrl, key: await env.server.addAgent('alice') });
    const sam = await registerApiUser(env.server.baseUrl, 'sam');
    const spaces = [
      { id: 'ops', name: 'ops' },
      { id: 'design-review', name: 'design-review' },
      { id: 'random', name: 'random' },
    ];
    for (const space of spaces) await sam.createSpace(space);

    const maya = await openApp(env.browser, env.server.baseUrl, { width: 1280, height: 800 });
    await registerInUi(maya, 'maya');
    // The sidebar lists the reader's own spaces: maya is a member of sam's.
    for (const space of spaces) await sam.addMember(space.id, 'maya');
    await maya.reload();
    await maya.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    // Agents and sam show up as present, the way a long-running tab would see them.
    await openAppAs(env.browser, env.server.baseUrl, jarvis.key ?? '');
    await openAppAs(env.browser, env.server.baseUrl, alice.key ?? '');
    const samPage = await openAppAs(env.browser, env.server.baseUrl, sam.key ?? '');

    await sam.sendMessage('main', 'Morning! Did anyone look at the flaky deploy from last night?');
    await sendInUi(maya, 'Yes: the health check timed out while the migration ran. @Jarvis can you sum up the logs?');
    await jarvis.sendMessage(
      'main',
      'Sure. The migration held a lock on `sessions` for 41 s, and the readiness probe gives up after 30 s, so the pod restarted mid-migration.\nTwo ways out: raise the probe timeout during deploys, or run migrations as a job before the rollout.',
    );
    await alice.sendMessage(
      'main',
      'I would run them as a separate job; rollbacks get simpler too. @maya want me to draft the change?',
    );
    await sam.sendMessage('main', '+1 for the job. @alice go ahead and tag me for review.');
    await sendInUi(maya, 'Sounds good, thanks both!');
    await maya.getByTestId('message').filter({ hasText: 'Sounds good' }).waitFor();
    await samPage.getByRole('textbox', { name: 'Message #main' }).pressSequentially('Also');
    await maya.getByTestId('activity').getByText('sam is typing…').waitFor();
    await maya.getByRole('textbox', { name: 'Message #main' }).fill('Let us also add an alert when a migration runs');
    await maya
      .getByRole('region', { name: /Here now/ })
      .getByText('alice')
      .waitFor();

    await maya.screenshot({ path: join(DOCS, 'screenshot-desktop.png') });
    await maya.setViewportSize({ width: 390, height: 844 });
    await maya.getByTestId('timeline').evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await maya.screenshot({ path: join(DOCS, 'screenshot-narrow.png') });
  });
});
