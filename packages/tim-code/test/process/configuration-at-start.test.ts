import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitForListening } from '@tim/process';
import { CLI_PATH, timCodeEnv } from '../support/server-process';

/** Runs `tim-code serve` with `env` until it exits on its own or listens (then stops it). */
async function serve(env: Record<string, string>): Promise<{ listened: boolean; code: number | null; stderr: string }> {
  const server = await startProcess({
    name: 'tim-code',
    args: [CLI_PATH, 'serve'],
    // The data dir is never opened: the configuration is refused first.
    env: timCodeEnv({ TIM_DATA_DIR: join(tmpdir(), 'tim-never-opened'), ...env }),
  });
  const listened = await waitForListening(server).then(
    () => true,
    // It exited first: the refusal these tests look at.
    () => false,
  );
  const { code } = await server.stop();
  return { listened, code, stderr: server.output('stderr') };
}

describe('tim-code serve with bad limits', () => {
  it('refuses to start, naming every limit out of range', async () => {
    const { code, stderr } = await serve({
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
    const { code, stderr } = await serve({ TIM_MAX_CONTENT_CHARS: '8000' });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Invalid configuration: TIM_MAX_BODY_BYTES: 16384 bytes cannot hold a message of TIM_MAX_CONTENT_CHARS=8000',
    );
  });
});

describe('tim-code serve with a TIM_* variable it does not read', () => {
  it('starts, and warns naming the variable and the setting it was likely meant as', async () => {
    const { listened, stderr } = await serve({
      TIM_MAX_CONTENT_CHAR: '100',
      TIM_DATA_DIR: join(tmpdir(), `tim-warn-${process.pid}`),
    });
    expect(listened).toBe(true);
    expect(stderr).toContain(
      'Warning: TIM_MAX_CONTENT_CHAR is not a tim-code setting and is ignored; did you mean TIM_MAX_CONTENT_CHARS?',
    );
  });
});
