import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { API_PREFIX, CLOSE_UNAUTHENTICATED, MeResponse } from '@tim/protocol';
import { makeTempDir } from '../support/start-server';
import { assertBuilt, CLI_PATH, spawnServer, type ServerProcess } from '../support/server-process';
import { TestSocket } from '../support/ws';

const run = promisify(execFile);

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? '', TIM_DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('tim-code agent', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    assertBuilt();
    dataDir = await makeTempDir();
  });
  afterAll(async () => {
    await server?.stop({ signal: 'SIGKILL' });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('add prints a working token as the last line, list shows the agent, revoke marks it revoked', async () => {
    const added = await cli(dataDir, 'agent', 'add', 'jarvis');
    expect(added.code).toBe(0);
    const token = added.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);

    const listed = await cli(dataDir, 'agent', 'list');
    expect(listed.stdout).toMatch(/\tjarvis$/m);

    server = await spawnServer({ TIM_DATA_DIR: dataDir });
    const me = await fetch(`${server.baseUrl}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(MeResponse.parse(await me.json()).timite).toMatchObject({ nick: 'jarvis', kind: 'agent' });

    expect((await cli(dataDir, 'agent', 'revoke', 'jarvis')).code).toBe(0);
    expect((await cli(dataDir, 'agent', 'list')).stdout).toMatch(/\tjarvis\trevoked$/m);
  }, 30_000);

  it('add after revoke reinstates the same agent with a new working token; the revoked token stays dead', async () => {
    const first = await cli(dataDir, 'agent', 'add', 'marvin');
    const oldToken = first.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect((await cli(dataDir, 'agent', 'revoke', 'marvin')).code).toBe(0);

    const again = await cli(dataDir, 'agent', 'add', 'marvin');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('reinstated');
    const newToken = again.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(newToken).not.toBe(oldToken);
    expect((await cli(dataDir, 'agent', 'list')).stdout).toMatch(/\tmarvin$/m);

    server ??= await spawnServer({ TIM_DATA_DIR: dataDir });
    const me = (token: string) =>
      fetch(`${server?.baseUrl ?? ''}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${token}` } });
    const meResponse = await me(newToken);
    expect(meResponse.status).toBe(200);
    expect(MeResponse.parse(await meResponse.json()).timite).toMatchObject({ nick: 'marvin', kind: 'agent' });
    expect((await me(oldToken)).status).toBe(401);
    // A live agent's nick is still taken.
    expect((await cli(dataDir, 'agent', 'add', 'marvin')).code).toBe(1);
  }, 30_000);

  it("revoke run as another process closes the agent's live socket with 4401, and its token gets 401 from then on", async () => {
    const added = await cli(dataDir, 'agent', 'add', 'ultron');
    const token = added.stdout.trimEnd().split('\n').at(-1) ?? '';
    server ??= await spawnServer({ TIM_DATA_DIR: dataDir });
    const socket = await TestSocket.connect(server.wsUrl, token);
    const me = () =>
      fetch(`${server?.baseUrl ?? ''}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${token}` } });
    // Authenticated over HTTP too, so a session cache would hold the token when it is revoked.
    expect((await me()).status).toBe(200);

    expect((await cli(dataDir, 'agent', 'revoke', 'ultron')).code).toBe(0);
    const closed = await Promise.race([
      socket.closed,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the socket was still open 5 s after the revoke')), 5000).unref(),
      ),
    ]);
    expect(closed.code).toBe(CLOSE_UNAUTHENTICATED);
    expect((await me()).status).toBe(401);
    expect(
      (
        await TestSocket.open(server.wsUrl).then(async (again) => {
          again.send({ type: 'auth', key: token });
          return again.closed;
        })
      ).code,
    ).toBe(CLOSE_UNAUTHENTICATED);
  }, 30_000);

  it('stores only a hash of the token', async () => {
    const added = await cli(dataDir, 'agent', 'add', 'hal');
    const token = added.stdout.trimEnd().split('\n').at(-1) ?? '';
    const paths = ['tim.db', 'tim.db-wal'].map((name) => join(dataDir, name)).filter((path) => existsSync(path));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect((await readFile(path)).includes(token)).toBe(false);
  });

  it('refuses a taken nick, an unknown agent and unknown commands with a non-zero exit', async () => {
    expect((await cli(dataDir, 'agent', 'add', 'hal')).code).toBe(1);
    expect((await cli(dataDir, 'agent', 'revoke', 'nobody')).code).toBe(1);
    expect((await cli(dataDir, 'agent', 'dance')).code).toBe(2);
    expect((await cli(dataDir, 'bogus')).code).toBe(2);
  });

  it('exits 2 with one line per bad configuration value', async () => {
    const { stderr } = await run(process.execPath, [CLI_PATH, 'serve'], {
      env: { PATH: process.env.PATH ?? '', TIM_PORT: 'x', TIM_LOG_FORMAT: 'xml' },
    }).catch((err: { code: number; stderr: string }) => {
      expect(err.code).toBe(2);
      return err;
    });
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringContaining('TIM_PORT'),
      expect.stringContaining('TIM_LOG_FORMAT'),
    ]);
  });
});
