import { AuthResponse, ErrorBody, UpdatesResponse } from '@tim/protocol';
import { api, send, type ApiAnswer, type Member } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

/*
 * Behind `trust proxy` the client address comes from X-Forwarded-For, which lets one test
 * process speak from several addresses. Every refusal is checked for its 429 shape, for what
 * it stored (nothing), and for leaving every other key's budget alone.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    config: {
      trustProxy: ['loopback'],
      rateMessages: { points: 3, durationSeconds: 10 },
      rateLogin: { points: 2, durationSeconds: 60 },
      rateRegister: { points: 2, durationSeconds: 3600 },
    },
  });
});
afterAll(async () => {
  await server.close();
});

function expectRateLimited(answer: ApiAnswer, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(ErrorBody.parse(answer.body).error.code).toBe('rate_limited');
  const retryAfter = answer.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

const from = (address: string) => ({ 'x-forwarded-for': address });

function registerFrom(address: string, nick: string): Promise<ApiAnswer> {
  return api(server, 'POST', '/register', { body: { nick, password: 'long enough' }, headers: from(address) });
}

function loginFrom(address: string, nick: string, password = 'long enough'): Promise<ApiAnswer> {
  return api(server, 'POST', '/login', { body: { nick, password }, headers: from(address) });
}

/** Registers from an address of its own, so the registration budget stays out of the way. */
async function member(nick: string, address: string): Promise<Member> {
  const answer = await registerFrom(address, nick);
  expect(answer.status).toBe(201);
  const { session, timite } = AuthResponse.parse(answer.body);
  return { key: session.key, timite };
}

async function headId(member: Member): Promise<number> {
  const answer = await api(server, 'GET', '/spaces/main/updates?after=0&limit=1', { key: member.key });
  return UpdatesResponse.parse(answer.body).headId;
}

describe('messages per timite (TIM_RATE_MESSAGES)', () => {
  it('answers 429 rate_limited with Retry-After past the budget and stores nothing', async () => {
    const ada = await member('ada', '192.0.2.101');
    for (let i = 0; i < 3; i += 1) expect((await send(server, ada, `message ${i}`)).status).toBe(201);
    const before = await headId(ada);
    const refused = await send(server, ada, 'one too many');
    expectRateLimited(refused, 10);
    expect(await headId(ada)).toBe(before);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tim_rate_limited_total\{limit="messages"\} [1-9]/m);
  });

  it("never slows another timite: bob sends at once while ada's budget is spent", async () => {
    const kim = await member('kim', '192.0.2.102');
    const bob = await member('bob', '192.0.2.103');
    for (let i = 0; i < 3; i += 1) await send(server, kim, `kim ${i}`);
    expectRateLimited(await send(server, kim, 'kim again'), 10);
    for (let i = 0; i < 3; i += 1) expect((await send(server, bob, `bob ${i}`)).status).toBe(201);
  });
});

describe('login attempts (TIM_RATE_LOGIN)', () => {
  it('limits attempts per nick across addresses, even with the right password, without locking out other nicks', async () => {
    expect((await registerFrom('203.0.113.1', 'target')).status).toBe(201);
    expect((await registerFrom('203.0.113.1', 'bystander')).status).toBe(201);
    expect((await loginFrom('198.51.100.1', 'target', 'wrong guess')).status).toBe(401);
    expect((await loginFrom('198.51.100.2', 'target', 'wrong guess')).status).toBe(401);
    expectRateLimited(await loginFrom('198.51.100.3', 'target'), 60);
    expect((await loginFrom('198.51.100.4', 'bystander')).status).toBe(200);
  });

  it('limits attempts per address across nicks, without limiting other addresses', async () => {
    expect((await registerFrom('203.0.113.2', 'sprayed')).status).toBe(201);
    expect((await loginFrom('198.51.100.10', 'nobody-1')).status).toBe(401);
    expect((await loginFrom('198.51.100.10', 'nobody-2')).status).toBe(401);
    expectRateLimited(await loginFrom('198.51.100.10', 'sprayed'), 60);
    expect((await loginFrom('198.51.100.11', 'sprayed')).status).toBe(200);
  });
});

describe('registrations per address (TIM_RATE_REGISTER)', () => {
  it('answers 429 past the budget, creates nothing, and leaves other addresses free', async () => {
    expect((await registerFrom('192.0.2.1', 'first-one')).status).toBe(201);
    expect((await registerFrom('192.0.2.1', 'second-one')).status).toBe(201);
    expectRateLimited(await registerFrom('192.0.2.1', 'third-one'), 3600);
    // Not created: the nick is still free for a client elsewhere.
    expect((await registerFrom('192.0.2.2', 'third-one')).status).toBe(201);
  });
});

describe('client address without trust proxy', () => {
  it('ignores X-Forwarded-For, so a client cannot pick a fresh address per request', async () => {
    const direct = await startServer({ config: { rateRegister: { points: 1, durationSeconds: 3600 } } });
    try {
      const first = await api(direct, 'POST', '/register', {
        body: { nick: 'one', password: 'long enough' },
        headers: from('10.0.0.1'),
      });
      expect(first.status).toBe(201);
      const second = await api(direct, 'POST', '/register', {
        body: { nick: 'two', password: 'long enough' },
        headers: from('10.0.0.2'),
      });
      expectRateLimited(second, 3600);
    } finally {
      await direct.close();
    }
  });
});
