import { api, register } from '../support/http';
import { startServer, UNLIMITED_RATES, type TestServer } from '../support/start-server';

const TTL_MS = 60_000;

describe('session keys', () => {
  let server: TestServer;
  let nowMs = Date.parse('2030-01-01T00:00:00Z');
  beforeAll(async () => {
    server = await startServer({ config: { sessionTtlMs: TTL_MS, ...UNLIMITED_RATES }, now: () => new Date(nowMs) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('carry at least 128 random bits and share no structure with each other', async () => {
    await register(server, 'ada', 'password-ada');
    const keys: string[] = [];
    for (let n = 0; n < 12; n += 1) {
      const answer = await api(server, 'POST', '/login', { body: { nick: 'ada', password: 'password-ada' } });
      keys.push((answer.body as { session: { key: string } }).session.key);
    }
    const bytes = keys.map((key) => Buffer.from(key, 'base64url'));
    for (const key of bytes) expect(key.length * 8).toBeGreaterThanOrEqual(128);
    expect(new Set(keys).size).toBe(keys.length);
    // Neighbours share no prefix and differ in about half their bits, as random keys do.
    for (let n = 1; n < bytes.length; n += 1) {
      const previous = bytes[n - 1] as Buffer;
      const current = bytes[n] as Buffer;
      expect(current.subarray(0, 4).equals(previous.subarray(0, 4))).toBe(false);
      let differingBits = 0;
      for (let i = 0; i < current.length; i += 1) {
        let x = (current[i] as number) ^ (previous[i] as number);
        for (; x > 0; x >>= 1) differingBits += x & 1;
      }
      expect(differingBits).toBeGreaterThan(current.length * 8 * 0.3);
      expect(differingBits).toBeLessThan(current.length * 8 * 0.7);
    }
  });

  it('answer 401 once expired', async () => {
    const { key } = await register(server, 'bob');
    expect((await api(server, 'GET', '/me', { key })).status).toBe(200);
    nowMs += TTL_MS + 1;
    expect((await api(server, 'GET', '/me', { key })).status).toBe(401);
  });

  it('answer 401 after logout, while other sessions of the same timite live on', async () => {
    await register(server, 'cy', 'password-cy');
    const login = async () =>
      (
        (await api(server, 'POST', '/login', { body: { nick: 'cy', password: 'password-cy' } })).body as {
          session: { key: string };
        }
      ).session.key;
    const [first, second] = [await login(), await login()];
    expect((await api(server, 'POST', '/logout', { key: first })).status).toBe(204);
    expect((await api(server, 'GET', '/me', { key: first })).status).toBe(401);
    expect((await api(server, 'GET', '/me', { key: second })).status).toBe(200);
  });
});
