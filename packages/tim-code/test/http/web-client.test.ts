import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { makeTempDir, startServer, type TestServer } from '../support/start-server';

const SCRIPT = `console.log(${JSON.stringify('tim '.repeat(500))})`;

/** A GET that keeps the bytes as sent: fetch would decompress them. */
function getRaw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('TIM_WEB_DIR', () => {
  let webDir: string;
  let server: TestServer;
  beforeAll(async () => {
    webDir = await makeTempDir();
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Tim</title>');
    await writeFile(join(webDir, 'assets', 'app.js'), 'console.log("tim")');
    await writeFile(join(webDir, 'assets', 'index-Ab12.js'), SCRIPT);
    await writeFile(join(webDir, 'assets', 'index-Ab12.js.br'), brotliCompressSync(SCRIPT));
    await writeFile(join(webDir, 'assets', 'index-Ab12.js.gz'), gzipSync(SCRIPT));
    await writeFile(join(webDir, 'assets', 'index-Cd34.css'), 'body { color: red }');
    await writeFile(join(webDir, 'assets', 'index-Cd34.css.gz'), gzipSync('body { color: red }'));
    server = await startServer({ config: { webDir } });
  });
  afterAll(async () => {
    await server.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves the client at /, its files, and index.html for client-side routes', async () => {
    const html = { headers: { accept: 'text/html' } };
    expect(await (await fetch(`${server.baseUrl}/`, html)).text()).toContain('<title>Tim</title>');
    expect(await (await fetch(`${server.baseUrl}/assets/app.js`)).text()).toContain('console.log');
    expect(await (await fetch(`${server.baseUrl}/spaces/main`, html)).text()).toContain('<title>Tim</title>');
  });

  it('still answers unknown API routes with the JSON error body', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/nothing`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('caches hashed assets for a year and has index.html revalidated', async () => {
    const asset = await getRaw(`${server.baseUrl}/assets/index-Ab12.js`);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/spaces/main']) {
      const page = await getRaw(`${server.baseUrl}${path}`, { accept: 'text/html' });
      expect([path, page.status, page.headers['cache-control']]).toEqual([path, 200, 'no-cache']);
    }
  });

  it('sends the brotli or gzip file the build wrote when the request accepts it', async () => {
    const url = `${server.baseUrl}/assets/index-Ab12.js`;
    const br = await getRaw(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^application\/javascript|^text\/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);

    const gz = await getRaw(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);

    const plain = await getRaw(url, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.toString()).toBe(SCRIPT);
  });

  it('falls back to the next variant or the plain file when the build wrote none', async () => {
    const css = await getRaw(`${server.baseUrl}/assets/index-Cd34.css`, { 'accept-encoding': 'br;q=1, gzip;q=0.5' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(gunzipSync(css.body).toString()).toBe('body { color: red }');

    const js = await getRaw(`${server.baseUrl}/assets/app.js`, { 'accept-encoding': 'br, gzip' });
    expect(js.headers['content-encoding']).toBeUndefined();
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body.toString()).toBe('console.log("tim")');
  });

  it('keeps a compressed variant outside webDir unreachable', async () => {
    const escaped = await getRaw(`${server.baseUrl}/assets/..%2f..%2fetc%2fpasswd`, { 'accept-encoding': 'gzip' });
    expect(escaped.body.toString()).not.toContain('root:');
  });
});
