import { connect as connectTcp } from 'node:net';
import { CLOSE_AUTH_TIMEOUT, CLOSE_UNAUTHENTICATED, ErrorBody, WS_PATH } from '@tim/protocol';
import { register, type Member } from '../support/http';
import { startServer, waitFor, type TestServer } from '../support/start-server';
import { nextFrame, refusedUpgrade, TestSocket } from '../support/ws';

/*
 * A socket counts against its client address from the upgrade until its auth frame succeeds
 * (TIM_MAX_UNAUTHENTICATED_PER_ADDRESS). Every test ends by checking that the server's count
 * is back to zero: a slot that leaks would lock an address out for good.
 */

const CAP = 3;

async function openMany(url: string, count: number, options = {}): Promise<TestSocket[]> {
  const sockets: TestSocket[] = [];
  for (let i = 0; i < count; i += 1) sockets.push(await TestSocket.open(url, options));
  return sockets;
}

async function closeAll(sockets: TestSocket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => socket.close()));
}

async function expectRefusedAsOverCap(url: string, options = {}): Promise<void> {
  const refused = await refusedUpgrade(url, options);
  expect(refused.status).toBe(429);
  expect(refused.headers['retry-after']).toBe('1');
  expect(ErrorBody.parse(refused.body).error).toMatchObject({
    code: 'rate_limited',
    message: expect.stringContaining(`${CAP}`),
  });
}

async function expectNoneCounted(server: TestServer): Promise<void> {
  await waitFor(() => server.app.stats().unauthenticatedSockets === 0, 'every unauthenticated slot to be given back');
}

describe('unauthenticated sockets per address (TIM_MAX_UNAUTHENTICATED_PER_ADDRESS)', () => {
  let server: TestServer;
  let ada: Member;
  beforeAll(async () => {
    server = await startServer({
      env: { TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: String(CAP), TIM_AUTH_TIMEOUT_MS: '500' },
    });
    ada = await register(server, 'ada');
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses the upgrade past the cap with 429 rate_limited, and admits a new socket once one of them authenticated', async () => {
    const waiting = await openMany(server.wsUrl, CAP);
    expect(server.app.stats().unauthenticatedSockets).toBe(CAP);
    await expectRefusedAsOverCap(server.wsUrl);

    const [first, ...rest] = waiting;
    if (first === undefined) throw new Error('no socket opened');
    first.send({ type: 'auth', key: ada.key });
    await nextFrame(first, { type: 'ready' });
    expect(server.app.stats().unauthenticatedSockets).toBe(CAP - 1);
    const admitted = await TestSocket.open(server.wsUrl);
    // Authenticated sockets do not count; the new one fills the budget again.
    await expectRefusedAsOverCap(server.wsUrl);

    await closeAll([first, admitted, ...rest]);
    await expectNoneCounted(server);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toContain('tim_rate_limited_total{limit="unauthenticated-sockets"} 2');
  });

  it('gives the slot back when an auth fails, times out, or the socket closes, resets or never finishes its handshake', async () => {
    const badKey = await TestSocket.open(server.wsUrl);
    badKey.send({ type: 'auth', key: 'not-a-key' });
    expect((await badKey.closed).code).toBe(CLOSE_UNAUTHENTICATED);

    const notAuth = await TestSocket.open(server.wsUrl);
    notAuth.send({ type: 'subscribe', spaceId: 'main' });
    expect((await notAuth.closed).code).toBe(CLOSE_UNAUTHENTICATED);

    const silent = await TestSocket.open(server.wsUrl);
    expect((await silent.closed).code).toBe(CLOSE_AUTH_TIMEOUT);
    await expectNoneCounted(server);

    const [closing, resetting] = await openMany(server.wsUrl, 2);
    await closing?.close();
    resetting?.ws.terminate();
    await resetting?.closed;

    // ws refuses an upgrade with a malformed key itself (400), after tim-code counted it.
    const { port } = new URL(server.baseUrl);
    const raw = connectTcp(Number(port), '127.0.0.1');
    raw.write(
      `GET ${WS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not-base64\r\n\r\n',
    );
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      raw.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      raw.once('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await expectNoneCounted(server);

    // Exactly the cap again: nothing leaked, and nothing was given back twice.
    const again = await openMany(server.wsUrl, CAP);
    await expectRefusedAsOverCap(server.wsUrl);
    await closeAll(again);
    await expectNoneCounted(server);
  });
});

describe('unauthenticated sockets per address behind a proxy (TIM_TRUST_PROXY)', () => {
  const forwardedFor = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it('with TIM_TRUST_PROXY, counts each X-Forwarded-For address on its own budget', async () => {
    const server = await startServer({
      env: { TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: String(CAP), TIM_TRUST_PROXY: 'loopback' },
    });
    try {
      const fromFirst = await openMany(server.wsUrl, CAP, forwardedFor('203.0.113.1'));
      await expectRefusedAsOverCap(server.wsUrl, forwardedFor('203.0.113.1'));
      // Express reads the client as the last untrusted hop: a spoofed first entry changes nothing.
      await expectRefusedAsOverCap(server.wsUrl, forwardedFor('198.51.100.7, 203.0.113.1'));
      const fromSecond = await openMany(server.wsUrl, CAP, forwardedFor('203.0.113.2'));
      await expectRefusedAsOverCap(server.wsUrl, forwardedFor('203.0.113.2'));
      await closeAll([...fromFirst, ...fromSecond]);
      await expectNoneCounted(server);
    } finally {
      await server.close();
    }
  });

  it('without TIM_TRUST_PROXY, ignores X-Forwarded-For and counts the TCP peer', async () => {
    const server = await startServer({ env: { TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: String(CAP) } });
    try {
      const sockets = await Promise.all(
        ['203.0.113.1', '203.0.113.2', '203.0.113.3'].map((address) =>
          TestSocket.open(server.wsUrl, forwardedFor(address)),
        ),
      );
      await expectRefusedAsOverCap(server.wsUrl, forwardedFor('203.0.113.4'));
      await closeAll(sockets);
      await expectNoneCounted(server);
    } finally {
      await server.close();
    }
  });
});
