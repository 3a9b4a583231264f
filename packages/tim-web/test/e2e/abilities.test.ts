import type { AbilityCallEvent, Timite } from '@tim/protocol';
import type { Locator, Page } from 'playwright-core';
import { registerApiUser, seedMessages } from './support/api';
import { seriousViolations } from './support/axe';
import { openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';
import { connectStreamAuthor, type StreamAuthor } from './support/stream-author';

/** The card of the call whose arguments show `text`. */
function card(page: Page, text: string): Locator {
  return page.getByTestId('ability-call').filter({ has: page.getByTestId('call-arguments').getByText(text) });
}

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: /^Message #/ });
}

/**
 * A timite in the test process that declares `bot.echo` in `main` and holds every call it is
 * given until the test answers it, so the browser's card is seen pending first.
 */
async function connectEchoBot(
  baseUrl: string,
  key: string,
): Promise<{ bot: StreamAuthor; me: Timite; calls: AbilityCallEvent[] }> {
  const bot = await connectStreamAuthor({ baseUrl, key, spaceId: 'main' });
  const me = await bot.client.me();
  const calls: AbilityCallEvent[] = [];
  bot.connection.on('update', (update) => {
    if (update.event.type === 'ability_call' && update.event.target.id === me.id) calls.push(update.event);
  });
  const declared = new Promise<void>((resolve) => {
    const stop = bot.connection.on('abilities_declared', () => {
      stop();
      resolve();
    });
  });
  bot.connection.declareAbilities('main', [
    {
      name: 'echo',
      description: 'Says your text back',
      parameters: {
        type: 'object',
        properties: { text: { type: 'string', description: 'What to say back' } },
        required: ['text'],
        additionalProperties: false,
      },
    },
  ]);
  await declared;
  return { bot, me, calls };
}

async function waitForCall(calls: AbilityCallEvent[], text: string): Promise<AbilityCallEvent> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const call = calls.find((each) => each.arguments.text === text);
    if (call !== undefined) return call;
    if (Date.now() > deadline) throw new Error(`The bot got no call with "${text}".`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('abilities in the browser: slash command and call cards', () => {
  const env = useE2eEnv();
  let echo: Awaited<ReturnType<typeof connectEchoBot>> | undefined;
  afterAll(() => echo?.bot.close());

  it('offers the bot’s ability after "/", calls it, and shows the call pending, done, timed out; refusals show in words', async () => {
    const key = await env.server.addAgent('bot');
    echo = await connectEchoBot(env.server.baseUrl, key);
    // The app's CSP allows only its own scripts; axe is injected as a test's tool.
    const context = await env.browser.newContext({ bypassCSP: true, viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(env.server.baseUrl);
    await registerInUi(page, 'ada_calls');

    // "/" offers the ability with its hint; Escape closes the list.
    const box = composer(page);
    await box.fill('/');
    const option = page.getByTestId('slash-option').filter({ hasText: '/bot.echo' });
    await option.waitFor();
    expect(await option.innerText()).toContain('text: string');
    expect(await option.innerText()).toContain('Says your text back');
    await box.press('Escape');
    await page.getByTestId('slash-popup').waitFor({ state: 'detached' });
    // Typing opens it again; Tab picks the ability, and the hint stays while the arguments are typed.
    await box.pressSequentially('b');
    await option.waitFor();
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/bot.echo ');
    expect(await page.getByTestId('command-hint').innerText()).toBe('/bot.echo text: string');
    await box.pressSequentially('hello');
    await box.press('Enter');

    // The call shows at once, pending, and is done with the result when the bot answers.
    const hello = card(page, 'hello');
    await hello.waitFor({ state: 'attached' });
    expect(await hello.getAttribute('data-status')).toBe('pending');
    expect(await hello.innerText()).toContain('@ada_calls called bot.echo');
    expect(await box.inputValue()).toBe('');
    const call = await waitForCall(echo.calls, 'hello');
    expect(call.caller.nick).toBe('ada_calls');
    await echo.bot.client.answerCall('main', call.callId, { result: { echoed: 'hello', html: '<b>not bold</b>' } });
    await page.locator(`[data-testid="ability-call"][data-call-id="${call.callId}"][data-status="done"]`).waitFor();
    // Expanding it shows the arguments and the result as JSON text, never as HTML.
    const details = hello.getByRole('button', { name: 'Details' });
    expect(await details.getAttribute('aria-expanded')).toBe('false');
    await details.focus();
    await page.keyboard.press('Enter');
    const hide = hello.getByRole('button', { name: 'Hide details' });
    expect(await hide.getAttribute('aria-expanded')).toBe('true');
    expect(JSON.parse(await hello.getByTestId('call-arguments').innerText())).toEqual({ text: 'hello' });
    expect(JSON.parse(await hello.getByTestId('call-result').innerText())).toEqual({
      echoed: 'hello',
      html: '<b>not bold</b>',
    });
    expect(await hello.locator('b').count()).toBe(0);

    // A call the bot never answers, made over HTTP with a short timeout, times out.
    const caller = await registerApiUser(env.server.baseUrl, 'cy_calls');
    await caller.callAbility('main', {
      target: echo.me.id,
      ability: 'echo',
      arguments: { text: 'nobody answers' },
      timeoutMs: 1000,
    });
    const silent = card(page, 'nobody answers');
    await silent.waitFor({ state: 'attached' });
    await page.locator('[data-testid="ability-call"][data-status="timed out"]').waitFor();
    expect(await silent.getByTestId('call-status').innerText()).toBe('timed out');

    // Arguments that do not fit the schema: the server's reason next to the box, and the text stays.
    await box.fill('/bot.echo {"text": 5}');
    await box.press('Enter');
    const notice = page.getByTestId('call-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(
      /^\/bot\.echo was not called\. The arguments do not fit echo's parameters/,
    );
    expect(await box.inputValue()).toBe('/bot.echo {"text": 5}');
    // Arguments the composer cannot read are refused before they are sent.
    await box.fill('/bot.echo {"text": ');
    await box.press('Enter');
    await notice.getByText('The arguments look like JSON but are not valid JSON.').waitFor();

    // "//" sends the rest as a message.
    await box.fill('//bot.echo is how you call it');
    await box.press('Enter');
    await page.getByTestId('message').filter({ hasText: '/bot.echo is how you call it' }).waitFor();

    // Cards and the list of abilities pass axe with no serious or critical violations.
    await box.fill('/');
    await option.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows the outcome of a call before the window as a line that opens the call', async () => {
    if (echo === undefined) throw new Error('The first test connects the bot.');
    const dee = await registerApiUser(env.server.baseUrl, 'dee_calls');
    await dee.callAbility('main', { target: echo.me.id, ability: 'echo', arguments: { text: 'long ago' } });
    const call = await waitForCall(echo.calls, 'long ago');
    await seedMessages(dee, { spaceId: 'main', first: 1, count: 110 });
    await echo.bot.client.answerCall('main', call.callId, { result: 'answered late' });

    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'eve_calls');
    const line = page.locator(`[data-testid="ability-outcome"][data-call-id="${call.callId}"]`);
    await line.waitFor();
    expect(await line.innerText()).toContain('Call to bot: done');
    expect(await line.innerText()).toContain('answered late');
    await line.getByRole('button', { name: 'Show the call' }).click();
    const opened = page.locator(`[data-focused="true"] [data-testid="ability-call"][data-call-id="${call.callId}"]`);
    await opened.waitFor();
    expect(await opened.getByTestId('call-arguments').innerText()).toContain('long ago');
  });
});
