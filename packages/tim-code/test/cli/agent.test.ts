import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { API_PREFIX, MeResponse } from '@tim/protocol';
import { makeTempDir } from '../support/start-server';
import { assertBuilt, CLI_PATH, spawnServer, type ServerProcess } from '../support/server-process';

const run = promisify(execFile);

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_PATH, ...args], { env: { PATH: process.env.PATH ?? '', TIM_DATA_DIR: dataDir } });
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
    server?.child.kill('SIGKILL');
    await server?.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('add prints a working token as the last line, list shows the agent, revoke disables the token', async () => {
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
    const afterRevoke = await fetch(`${server.baseUrl}${API_PREFIX}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(afterRevoke.status).toBe(401);
    expect((await cli(dataDir, 'agent', 'list')).stdout).toMatch(/\tjarvis\trevoked$/m);
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
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('TIM_PORT'), expect.stringContaining('TIM_LOG_FORMAT')]);
  });
});
