import { register, send } from '../support/http';
import { UNLIMITED_RATES, startServer, type TestServer } from '../support/start-server';

/*
 * Posting is the hot path: the access check (issue 19) must not add a storage round trip per
 * post in a public space. It trusts a public space for a second; a private one is read every time.
 */

let server: TestServer;
let lookUps = 0;
beforeAll(async () => {
  server = await startServer({
    config: UNLIMITED_RATES,
    wrapStorage: (storage) => ({
      ...storage,
      getSpaceAccess: (spaceId, timiteId) => {
        lookUps += 1;
        return storage.getSpaceAccess(spaceId, timiteId);
      },
    }),
  });
});
afterAll(async () => {
  await server.close();
});

describe('the cost of the access check on posting', () => {
  it('is one look-up per public space per second, not one per post; a private space is checked on every post', async () => {
    const ada = await register(server, 'ada');
    const started = Date.now();
    lookUps = 0;
    for (let n = 0; n < 50; n += 1) expect((await send(server, ada, `post ${n}`)).status).toBe(201);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    expect(lookUps).toBeLessThanOrEqual(seconds + 1);

    await send(server, ada, 'warm up');
    const created = await fetch(`${server.baseUrl}/api/v1/spaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ada.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'secret', name: 'Secret', visibility: 'private' }),
    });
    expect(created.status).toBe(201);
    lookUps = 0;
    for (let n = 0; n < 5; n += 1)
      expect((await send(server, ada, `post ${n}`, { spaceId: 'secret' })).status).toBe(201);
    expect(lookUps).toBe(5);
  });
});
