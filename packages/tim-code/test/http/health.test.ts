import { register, send } from '../support/http';
import { startServer, type TestServer } from '../support/start-server';

describe('operator endpoints', () => {
  let server: TestServer;
  let failPing = false;
  beforeAll(async () => {
    server = await startServer({
      wrapStorage: (storage) => ({
        ...storage,
        ping: () => (failPing ? Promise.reject(new Error('disk gone')) : storage.ping()),
      }),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET /healthz answers ok', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('GET /readyz answers 200 while storage answers and 503 when it does not', async () => {
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    failPing = true;
    const failing = await fetch(`${server.baseUrl}/readyz`);
    failPing = false;
    expect(failing.status).toBe(503);
    expect(((await failing.json()) as { error: { code: string } }).error.code).toBe('unavailable');
  });

  it('GET /metrics exposes the server’s own counters in Prometheus text', async () => {
    const ada = await register(server, 'ada');
    await send(server, ada, 'counted');
    const response = await fetch(`${server.baseUrl}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/^tim_messages_accepted_total 1$/m);
    for (const name of [
      'tim_open_connections',
      'tim_subscriptions',
      'tim_updates_delivered_total',
      'tim_slow_consumer_closes_total',
      'tim_send_latency_seconds_bucket',
    ]) {
      expect(text).toContain(name);
    }
  });
});
