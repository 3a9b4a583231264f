import { ErrorBody, MessageResponse, SendMessageResponse } from '@tim/protocol';
import { api, register, send, type ApiAnswer, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * TIM_RATE_CHANGES (edits, deletes and reactions per timite, one budget for the three) and
 * TIM_RATE_SEARCH: a refusal is 429 with Retry-After, changes nothing, and leaves other
 * timites' budgets alone.
 */

let server: TestServer;
let ada: Member;
let bob: Member;
beforeAll(async () => {
  server = await startServer({
    env: { TIM_RATE_CHANGES: '3/1m', TIM_RATE_SEARCH: '2/1m' },
  });
  [ada, bob] = await Promise.all([register(server, 'ada'), register(server, 'bob')]);
});
afterAll(async () => {
  await server.close();
});

function expectRateLimited(answer: ApiAnswer): void {
  expect(answer.status).toBe(429);
  expect(ErrorBody.parse(answer.body).error.code).toBe('rate_limited');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
}

describe('TIM_RATE_CHANGES', () => {
  it('counts edits, reactions and deletes together and refuses the one past the budget without storing it', async () => {
    const sent = SendMessageResponse.parse((await send(server, ada, 'first draft')).body);
    const path = `/spaces/main/messages/${sent.message.id}`;
    expect((await api(server, 'PATCH', path, { key: ada.key, body: { content: 'second draft' } })).status).toBe(200);
    expect((await api(server, 'PUT', `${path}/reactions/ok`, { key: ada.key })).status).toBe(200);
    expect((await api(server, 'DELETE', `${path}/reactions/ok`, { key: ada.key })).status).toBe(200);
    const refused = await api(server, 'PATCH', path, { key: ada.key, body: { content: 'third draft' } });
    expectRateLimited(refused);
    expectRateLimited(await api(server, 'DELETE', path, { key: ada.key }));
    const now = MessageResponse.parse((await api(server, 'GET', path, { key: bob.key })).body).message;
    expect(now.content).toBe('second draft');
    expect(now.deletedAt).toBeUndefined();
    // Reading is not a change, and Bob's budget is his own.
    expect((await api(server, 'PUT', `${path}/reactions/ok`, { key: bob.key })).status).toBe(200);
  });
});

describe('TIM_RATE_SEARCH', () => {
  it('refuses the search past the budget, per timite', async () => {
    for (let n = 0; n < 2; n += 1)
      expect((await api(server, 'GET', '/search?q=draft', { key: ada.key })).status).toBe(200);
    expectRateLimited(await api(server, 'GET', '/search?q=draft', { key: ada.key }));
    expect((await api(server, 'GET', '/search?q=draft', { key: bob.key })).status).toBe(200);
  });
});
