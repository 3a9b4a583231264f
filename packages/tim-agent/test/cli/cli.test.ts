import { runCli } from '../../src/cli';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

describe('tim-agent CLI', () => {
  it('exits 2 with one sentence on how to configure an LLM when none is', async () => {
    const { out, io } = capture();
    expect(await runCli(['run', 'jarvis'], { TIM_AGENT_TOKEN_JARVIS: 't' }, io)).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('OPENAI_API_KEY');
    expect(out.stderr).toContain('OPENAI_BASE_URL=http://127.0.0.1:11434/v1');
  });

  it('exits 2 naming the token variable a persona needs', async () => {
    const { out, io } = capture();
    expect(
      await runCli(
        ['run', 'jarvis', 'alice'],
        { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', TIM_AGENT_TOKEN_JARVIS: 't' },
        io,
      ),
    ).toBe(2);
    expect(out.stderr).toContain('Set TIM_AGENT_TOKEN_ALICE');
  });

  it('exits 2 naming a persona that does not exist', async () => {
    const { out, io } = capture();
    expect(await runCli(['run', 'nobody'], { OPENAI_API_KEY: 'k' }, io)).toBe(2);
    expect(out.stderr).toMatch(/nobody\.yaml.*does not exist/);
  });

  it('exits 2 when a persona is given twice', async () => {
    const { out, io } = capture();
    expect(await runCli(['run', 'jarvis', 'jarvis'], { OPENAI_API_KEY: 'k', TIM_AGENT_TOKEN_JARVIS: 't' }, io)).toBe(2);
    expect(out.stderr).toContain('given twice');
  });

  it('exits 2 naming TIM_AGENT_MAX_RETRY_AFTER_MS when it is not a number of ms', async () => {
    const { out, io } = capture();
    const env = { OPENAI_API_KEY: 'k', TIM_AGENT_TOKEN_JARVIS: 't', TIM_AGENT_MAX_RETRY_AFTER_MS: '30s' };
    expect(await runCli(['run', 'jarvis'], env, io)).toBe(2);
    expect(out.stderr).toContain('TIM_AGENT_MAX_RETRY_AFTER_MS must be a whole number of milliseconds');
  });

  it('prints the usage for a wrong command and for help', async () => {
    const wrong = capture();
    expect(await runCli(['go'], {}, wrong.io)).toBe(2);
    expect(wrong.out.stderr).toContain('Usage: tim-agent run');
    const help = capture();
    expect(await runCli(['--help'], {}, help.io)).toBe(0);
    expect(help.out.stdout).toContain('Usage: tim-agent run');
  });
});
