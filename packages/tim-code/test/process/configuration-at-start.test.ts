import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, CLI_PATH } from '../support/server-process';

/** Runs `tim-code serve` with `env` and resolves once it exits, on its own or once listening. */
function serveExpectingExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_PATH, 'serve'], {
    // The data dir is never opened: the configuration is refused first.
    env: {
      PATH: process.env.PATH ?? '',
      TIM_PORT: '0',
      TIM_LOG_LEVEL: 'warn',
      TIM_DATA_DIR: join(tmpdir(), 'tim-never-opened'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('listening on')) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('tim-code serve with bad limits', () => {
  it('refuses to start, naming every limit out of range', async () => {
    const { code, stderr } = await serveExpectingExit({
      TIM_MAX_FRAME_BYTES: '10',
      TIM_MAX_CONNECTIONS_PER_TIMITE: 'many',
      TIM_MAX_UNAUTHENTICATED_PER_ADDRESS: '0',
    });
    expect(code).toBe(2);
    for (const name of [
      'TIM_MAX_FRAME_BYTES',
      'TIM_MAX_CONNECTIONS_PER_TIMITE',
      'TIM_MAX_UNAUTHENTICATED_PER_ADDRESS',
    ]) {
      expect(stderr).toContain(`Invalid configuration: ${name}: expected a whole number from `);
    }
  });

  it('refuses to start when the body limit cannot hold a message of the content limit', async () => {
    const { code, stderr } = await serveExpectingExit({ TIM_MAX_CONTENT_CHARS: '8000' });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Invalid configuration: TIM_MAX_BODY_BYTES: 16384 bytes cannot hold a message of TIM_MAX_CONTENT_CHARS=8000',
    );
  });
});

describe('tim-code serve with a TIM_* variable it does not read', () => {
  it('starts, and warns naming the variable and the setting it was likely meant as', async () => {
    const { code, stderr } = await serveExpectingExit({
      TIM_MAX_CONTENT_CHAR: '100',
      TIM_DATA_DIR: join(tmpdir(), `tim-warn-${process.pid}`),
    });
    // Killed once listening, not exited with a configuration error.
    expect(code).toBeNull();
    expect(stderr).toContain(
      'Warning: TIM_MAX_CONTENT_CHAR is not a tim-code setting and is ignored; did you mean TIM_MAX_CONTENT_CHARS?',
    );
  });
});
