import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, startServer, type TestServer } from '../support/start-server';

describe('TIM_WEB_DIR', () => {
  let webDir: string;
  let server: TestServer;
  beforeAll(async () => {
    webDir = await makeTempDir();
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Tim</title>');
    await writeFile(join(webDir, 'assets', 'app.js'), 'console.log("tim")');
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
});
