import { registerApiUser } from './support/api';
import { openApp, registerInUi } from './support/browser';
import { useE2eEnv } from './support/e2e-env';

/** The server's first page of spaces (SPACES_PAGE_DEFAULT): main and 99 more. */
const FIRST_PAGE = 100;

describe('the space list in the browser', () => {
  const env = useE2eEnv({ env: { TIM_MAX_SPACES_PER_TIMITE: '1000' } });

  it('lists the spaces beyond the first page after "More spaces", and opens one of them', async () => {
    const hal = await registerApiUser(env.server.baseUrl, 'hal');
    const names = Array.from({ length: 120 }, (_, index) => `room-${String(index + 1).padStart(3, '0')}`);
    for (const name of names) await hal.createSpace({ id: name, name });

    const page = await openApp(env.browser, env.server.baseUrl);
    await registerInUi(page, 'ada');
    const spaces = page.getByRole('navigation', { name: 'Spaces' });
    const lastOnFirstPage = names[FIRST_PAGE - 2] ?? '';
    await spaces.getByRole('button', { name: lastOnFirstPage, exact: true }).waitFor();
    expect(await spaces.getByRole('button', { name: 'room-120', exact: true }).count()).toBe(0);

    await spaces.getByRole('button', { name: 'More spaces' }).click();
    await spaces.getByRole('button', { name: 'room-120', exact: true }).click();
    await page.getByRole('heading', { name: 'room-120', exact: true }).waitFor();
    expect(await spaces.getByRole('button', { name: 'More spaces' }).count()).toBe(0);
    expect(await spaces.getByRole('listitem').count()).toBe(names.length + 1);
  });
});
