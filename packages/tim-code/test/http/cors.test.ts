import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ErrorBody } from '@tim/protocol';
import { api, register, type Member } from '../support/http';
import { makeTempDir, startServer, type TestServer } from '../support/start-server';
import { refusedUpgrade, TestSocket } from '../support/ws';

const ALLOWED = 'http://localhost:5173';
const FOREIGN = 'https://evil.example';

let server: TestServer;
let ada: Member;

beforeAll(async () => {
  server = await startServer({ config: { allowedOrigins: [ALLOWED] } });
  ada = await register(server, 'ada');
});
afterAll(async () => {
  await server.close();
});

function preflight(origin: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/spaces/main/messages`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
}

function getSpaces(origin: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/spaces`, { headers: { origin, authorization: `Bearer ${ada.key}` } });
}

describe('CORS (TIM_ALLOWED_ORIGINS)', () => {
  it('answers a preflight from an allowed origin with that origin, the method and the headers', async () => {
    const answer = await preflight(ALLOWED);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(answer.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('lets an allowed origin read answers, including Retry-After and X-Request-Id', async () => {
    const answer = await getSpaces(ALLOWED);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const exposed = answer.headers.get('access-control-expose-headers')?.toLowerCase() ?? '';
    expect(exposed).toContain('retry-after');
    expect(exposed).toContain('x-request-id');
  });

  it('gives a disallowed origin no Access-Control-Allow-Origin, on the preflight or a read', async () => {
    const pre = await preflight(FOREIGN);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const answer = await getSpaces(FOREIGN);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('covers the web client’s dev origin by default', async () => {
    const defaults = await startServer();
    try {
      const answer = await fetch(`${defaults.baseUrl}/healthz`, { headers: { origin: 'http://localhost:5173' } });
      expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    } finally {
      await defaults.close();
    }
  });
});

describe('requests from a disallowed origin', () => {
  it('refuses every state-changing request with 403 forbidden before doing anything', async () => {
    const before = await api(server, 'GET', '/spaces', { key: ada.key });
    const attempts: Array<[string, string, unknown]> = [
      ['POST', '/spaces', { id: 'taken-over', name: 'Taken over' }],
      ['POST', '/register', { nick: 'mallory', password: 'correct horse' }],
      ['POST', '/login', { nick: 'ada', password: 'correct horse' }],
      ['POST', '/logout', undefined],
      ['POST', '/spaces/main/messages', { content: 'from evil' }],
      ['PUT', '/spaces', {}],
      ['PATCH', '/spaces', {}],
      ['DELETE', '/spaces', undefined],
      ['PATCH', '/spaces/main/messages/1', { content: 'rewritten by evil' }],
      ['DELETE', '/spaces/main/messages/1', undefined],
      ['PUT', '/spaces/main/messages/1/reactions/evil', undefined],
      ['DELETE', '/spaces/main/messages/1/reactions/evil', undefined],
      ['PUT', '/spaces/main/read', { updateId: 1 }],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await api(server, method, path, { key: ada.key, body, headers: { origin: FOREIGN } });
      expect({ method, path, status: answer.status, code: ErrorBody.parse(answer.body).error.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'forbidden',
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
    // Nothing happened: no space, no account, no message, and the session still works.
    expect((await api(server, 'GET', '/spaces', { key: ada.key })).body).toEqual(before.body);
    expect((await api(server, 'POST', '/login', { body: { nick: 'mallory', password: 'correct horse' } })).status).toBe(
      401,
    );
    const timeline = await api(server, 'GET', '/spaces/main/updates?after=0', { key: ada.key });
    expect(JSON.stringify(timeline.body)).not.toContain('from evil');
  });

  it('answers its preflight with 403 forbidden and its reads without CORS headers', async () => {
    const pre = await preflight(FOREIGN);
    expect(pre.status).toBe(403);
    expect(ErrorBody.parse(await pre.json()).error.code).toBe('forbidden');
    const read = await getSpaces(FOREIGN);
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a DNS-rebinding page, whose Origin and Host name the same foreign host', async () => {
    const { port } = new URL(server.baseUrl);
    const rebound = `http://rebind.evil.example:${port}`;
    // fetch does not let a caller set Host; node:http does, as a rebinding browser would send it.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const body = JSON.stringify({ id: 'rebound', name: 'Rebound' });
      const request = httpRequest(`${server.baseUrl}/api/v1/spaces`, {
        method: 'POST',
        headers: {
          host: `rebind.evil.example:${port}`,
          origin: rebound,
          authorization: `Bearer ${ada.key}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      });
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.once('error', reject);
      request.end(body);
    });
    expect(status).toBe(403);
    const upgrade = await refusedUpgrade(server.wsUrl, {
      origin: rebound,
      headers: { host: `rebind.evil.example:${port}` },
    });
    expect(upgrade.status).toBe(403);
  });

  it('keeps requests without Origin (curl, agents) and from the server’s own origin working', async () => {
    const bare = await api(server, 'POST', '/spaces/main/messages', { key: ada.key, body: { content: 'no origin' } });
    expect(bare.status).toBe(201);
    const own = await api(server, 'POST', '/spaces/main/messages', {
      key: ada.key,
      body: { content: 'same origin' },
      headers: { origin: server.baseUrl },
    });
    expect(own.status).toBe(201);
    const allowed = await api(server, 'POST', '/spaces/main/messages', {
      key: ada.key,
      body: { content: 'allowed origin' },
      headers: { origin: ALLOWED },
    });
    expect(allowed.status).toBe(201);
  });
});

describe('TIM_PUBLIC_URL', () => {
  it('is the server’s own origin instead of the loopback defaults, for HTTP and WebSockets', async () => {
    const publicUrl = 'https://chat.example.com';
    const served = await startServer({ env: { TIM_PUBLIC_URL: `${publicUrl}/` }, config: { allowedOrigins: [] } });
    try {
      const member = await register(served, 'pub');
      const post = (origin: string) =>
        api(served, 'POST', '/spaces/main/messages', { key: member.key, body: { content: 'hi' }, headers: { origin } });
      expect((await post(publicUrl)).status).toBe(201);
      expect((await post(served.baseUrl)).status).toBe(403);
      const socket = await TestSocket.open(served.wsUrl, { origin: publicUrl });
      await socket.close();
      await expect(TestSocket.open(served.wsUrl, { origin: served.baseUrl })).rejects.toThrow('403');
    } finally {
      await served.close();
    }
  });
});

describe('WebSocket Origin check', () => {
  it('refuses an upgrade from a disallowed origin with 403 and registers no connection', async () => {
    const before = server.app.stats().connections;
    await expect(TestSocket.open(server.wsUrl, { origin: FOREIGN })).rejects.toThrow('403');
    expect(server.app.stats().connections).toBe(before);
    const allowed = await TestSocket.open(server.wsUrl, { origin: ALLOWED });
    await allowed.close();
  });
});

describe('security headers (helmet)', () => {
  it('are set on API answers, error answers included', async () => {
    for (const path of ['/api/v1/spaces', '/api/v1/nowhere']) {
      const answer = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${ada.key}` } });
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('serving the built web client (TIM_WEB_DIR)', () => {
  it('serves the page and accepts its WebSocket on the same origin without any allowlist entry', async () => {
    const root = await makeTempDir();
    const webDir = join(root, 'web');
    await mkdir(webDir);
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Tim</title>');
    const served = await startServer({ config: { webDir, allowedOrigins: [] } });
    try {
      const page = await fetch(`${served.baseUrl}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Tim</title>');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self'");
      // Would send a plain-HTTP LAN page's assets to an HTTPS port that does not exist.
      expect(csp).not.toContain('upgrade-insecure-requests');
      const socket = await TestSocket.open(served.wsUrl, { origin: served.baseUrl });
      await socket.close();
      await expect(TestSocket.open(served.wsUrl, { origin: FOREIGN })).rejects.toThrow('403');
    } finally {
      await served.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
