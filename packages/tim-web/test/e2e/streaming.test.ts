import { setTimeout as delay } from 'node:timers/promises';
import type { OutgoingStream } from '@tim/protocol';
import type { Locator, Page } from 'playwright-core';
import { registerApiUser, seedMessages } from './support/api';
import { openApp, registerInUi, sendInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';
import { connectStreamAuthor, type StreamAuthor } from './support/stream-author';

const GROWING = '[data-testid="message"][data-stream="writing"]';
/** Set on the growing element by the test: the final message must show in that same element. */
const PROBE = '[data-probe="kept"]';

/** Appends `chunks`, one every `everyMs`, as a model's tokens come, until done or the stream ends. */
async function write(stream: OutgoingStream, chunks: readonly string[], everyMs: number): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.isOpen) return;
    stream.append(chunk);
    await delay(everyMs);
  }
}

/** Waits until the growing reply shows more than `length` characters; returns how many it shows. */
async function waitForLonger(page: Page, length: number): Promise<number> {
  const handle = await page.waitForFunction(
    ([selector, known]) => {
      const shown = document.querySelector(`${selector} .content`)?.textContent?.length ?? 0;
      return shown > known ? shown : false;
    },
    [GROWING, length] as const,
  );
  return (await handle.jsonValue()) as number;
}

async function contentOf(message: Locator): Promise<string> {
  return (await message.locator('.content').textContent()) ?? '';
}

/** A message sent after the final one and shown: anything due before it has been rendered. */
async function barrier(page: Page, content: string): Promise<void> {
  await sendInUi(page, content);
  await page.getByTestId('message').filter({ hasText: content }).and(page.locator(':not([data-status])')).waitFor();
}

describe('a reply streamed into the browser', () => {
  const env = useE2eEnv();
  const authors: StreamAuthor[] = [];
  afterEach(() => {
    for (const author of authors.splice(0)) author.close();
  });

  async function connectAgent(nick: string): Promise<StreamAuthor> {
    const key = await env.server.addAgent(nick);
    const author = await connectStreamAuthor({ baseUrl: env.server.baseUrl, key, spaceId: 'main' });
    authors.push(author);
    return author;
  }

  it('grows in place, and a human stops it: the author’s signal aborts and the message shows once, stopped', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'ann');
    const scribe = await connectAgent('scribe');

    scribe.connection.sendActivity('main', 'thinking');
    const thinking = page.getByTestId('activity').getByText('scribe is thinking…');
    await thinking.waitFor();
    const stream = await scribe.connection.openStream('main', { text: 'Once upon a time' });
    const words = Array.from({ length: 200 }, (_, index) => ` word${index}`);
    const writing = write(stream, words, 50);

    const growing = page.locator(GROWING);
    await growing.waitFor();
    await thinking.waitFor({ state: 'hidden' });
    expect(await growing.locator('.sender').textContent()).toBe('scribe');
    expect(await growing.getByTestId('writing').textContent()).toBe('writing…');
    const first = (await contentOf(growing)).length;
    const second = await waitForLonger(page, first);
    const third = await waitForLonger(page, second);
    expect(third).toBeGreaterThan(second);
    await growing.evaluate((element) => element.setAttribute('data-probe', 'kept'));

    await page.getByRole('button', { name: "Stop scribe's reply" }).click();
    const end = await stream.ended;
    await writing;
    expect(end.reason).toBe('stopped');
    expect(stream.signal.aborted).toBe(true);
    expect(end.stoppedBy?.nick).toBe('ann');

    const stopped = page.locator(`${PROBE}[data-stream="stopped"]`);
    await stopped.waitFor();
    expect(await stopped.getByTestId('stream-note').textContent()).toBe('stopped by ann');
    expect(await stopped.getByRole('button', { name: /Stop/ }).count()).toBe(0);
    const { updates } = await scribe.client.readUpdates('main', { after: (end.updateId ?? 1) - 1, limit: 1 });
    const final = updates[0]?.event.type === 'message' ? updates[0].event.message : undefined;
    expect(final?.stream).toMatchObject({ id: stream.streamId, end: 'stopped' });
    expect(await contentOf(stopped)).toBe(final?.content);

    await barrier(page, 'thanks, that will do');
    expect(await page.getByTestId('message').filter({ hasText: 'Once upon a time' }).count()).toBe(1);
    expect(await page.locator(GROWING).count()).toBe(0);
  });

  it('becomes exactly one message with the full text when its author finishes, in the same place and size', async () => {
    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'bea');
    const quill = await connectAgent('quill');
    const chunks = [
      'Streamed ',
      'replies ',
      'grow ',
      'on ',
      'screen ',
      'word ',
      'by ',
      'word, ',
      'and ',
      'then ',
      'they ',
      'stay ',
      'as ',
      'one ',
      'message.',
    ];
    const full = chunks.join('');

    const stream = await quill.connection.openStream('main');
    const writing = write(stream, chunks, 100);
    const growing = page.locator(GROWING);
    await growing.waitFor();
    const seen = await waitForLonger(page, 0);
    await waitForLonger(page, seen);
    await writing;
    await page.waitForFunction(
      ([selector, text]) => document.querySelector(`${selector} .content`)?.textContent === text,
      [GROWING, full] as const,
    );
    await growing.evaluate((element) => element.setAttribute('data-probe', 'kept'));
    const before = await growing.boundingBox();

    const end = await stream.finish();
    expect(end.reason).toBe('finished');
    expect(stream.signal.aborted).toBe(false);
    const finished = page.locator(`${PROBE}[data-stream="finished"]`);
    await finished.waitFor();
    expect(await contentOf(finished)).toBe(full);
    expect(await finished.locator('time').count()).toBe(1);
    expect(await finished.getByTestId('stream-note').count()).toBe(0);
    expect(await finished.boundingBox()).toEqual(before);

    await barrier(page, 'lovely');
    expect(await page.getByTestId('message').filter({ hasText: full }).count()).toBe(1);
  });

  it('keeps a reader at the bottom there while a long reply grows past the fold', async () => {
    const cal = await registerApiUser(env.server.baseUrl, 'cal');
    await seedMessages(cal, { spaceId: 'main', first: 1, count: 30 });
    const page = await openApp(env.browser, env.server.baseUrl, { width: 900, height: 500 });
    await registerInUi(page, 'dot');
    await page.getByTestId('message').filter({ hasText: 'seed 30' }).waitFor();
    const lines = Array.from({ length: 25 }, (_, index) => `line ${index + 1}\n`);
    const inkwell = await connectAgent('inkwell');
    const stream = await inkwell.connection.openStream('main');
    await write(stream, lines, 50);
    await page.waitForFunction(
      ([selector]) => document.querySelector(`${selector} .content`)?.textContent?.endsWith('line 25') === true,
      [GROWING] as const,
    );
    const timeline = page.getByTestId('timeline');
    const gapPx = await timeline.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
    expect(gapPx).toBeLessThanOrEqual(1);
    expect(await page.getByTestId('new-messages').count()).toBe(0);
    await stream.finish();
  });
});
