import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { API_PREFIX, ErrorBody } from '@tim/protocol';
import { makeTempDir } from '../support/start-server';
import { assertBuilt, CLI_PATH, spawnServer, type ServerProcess } from '../support/server-process';

/*
 * `tim-code invite create|list|revoke` (issue 19), run as its own process against the data
 * directory of a server with TIM_REGISTRATION=invite, like an operator would.
 */

const run = promisify(execFile);

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env.PATH ?? '', TIM_DATA_DIR: dataDir, TIM_REGISTRATION: 'invite' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('tim-code invite', () => {
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

  async function registering(nick: string, inviteCode: string): Promise<number> {
    const response = await fetch(`${server?.baseUrl ?? ''}${API_PREFIX}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nick, password: 'correct horse', inviteCode }),
    });
    if (response.status !== 201) ErrorBody.parse(await response.json());
    return response.status;
  }

  it('create prints a code that registers as many accounts as its uses; list shows what is left; revoke ends it', async () => {
    const twice = await cli(dataDir, 'invite', 'create', '--uses', '2', '--expires', '7d');
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('2 accounts');
    const code = lastLine(twice.stdout);
    expect(code.length).toBeGreaterThanOrEqual(16);
    const once = lastLine((await cli(dataDir, 'invite', 'create')).stdout);

    server = await spawnServer({ TIM_DATA_DIR: dataDir, TIM_REGISTRATION: 'invite' });
    expect(await registering('ada', code)).toBe(201);

    const listed = (await cli(dataDir, 'invite', 'list')).stdout.trimEnd().split('\n');
    expect(listed).toHaveLength(2);
    expect(listed.some((line) => /\t1 uses left\texpires \d{4}-/.test(line))).toBe(true);
    expect(listed.some((line) => /\t1 uses left\tnever expires$/.test(line))).toBe(true);
    expect(listed.join('\n')).not.toContain(code);

    const onceId = listed.find((line) => line.includes('never expires'))?.split('\t')[0] ?? '';
    const revoked = await cli(dataDir, 'invite', 'revoke', onceId);
    expect(revoked.code).toBe(0);
    expect(await registering('bob', once)).toBe(403);
    expect(await registering('bob', code)).toBe(201);
    expect(await registering('carol', code)).toBe(403);
    expect((await cli(dataDir, 'invite', 'revoke', onceId)).code).toBe(1);
  }, 60_000);

  it('refuses bad options with the usage and exit code 2', async () => {
    for (const args of [['create', '--uses', '0'], ['create', '--expires', 'soon'], ['revoke'], ['burn']]) {
      const refused = await cli(dataDir, 'invite', ...args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('tim-code invite create');
    }
  });
});
