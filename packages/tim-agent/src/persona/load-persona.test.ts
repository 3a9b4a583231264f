import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PERSONAS_DIR, PersonaError, loadPersona, resolvePersonaPath } from './load-persona';

const MINIMAL = `
nick: robo
tokenEnv: TIM_AGENT_TOKEN_ROBO
systemPrompt: You are Robo.
llm:
  model: llama3.2
`;

describe('loadPersona', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tim-agent-persona-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  async function loadError(file: string): Promise<PersonaError> {
    const error = await loadPersona(file).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(PersonaError);
    return error as PersonaError;
  }

  it('fills the defaults of a minimal YAML persona', async () => {
    const persona = await loadPersona(await write('robo.yaml', MINIMAL));
    expect(persona).toMatchObject({
      nick: 'robo',
      tokenEnv: 'TIM_AGENT_TOKEN_ROBO',
      systemPrompt: 'You are Robo.',
      spaces: ['main'],
      llm: { model: 'llama3.2', temperature: 0.7, timeoutMs: 30_000, maxRetries: 2, maxRetryAfterMs: 30_000 },
      responseDelayMs: 1000,
      historyMessages: 20,
      historyTokens: 3000,
      replyPolicy: { humans: 'mentions', maxAgentChain: 2, catchUpWindowMs: 600_000 },
      limits: { repliesPerMinute: 6, dailyTokenBudget: 200_000 },
    });
    expect(persona.openingMessage).toBeUndefined();
    expect(persona.sourcePath).toBe(join(dir, 'robo.yaml'));
  });

  it('reads JSON and a prompt file relative to the persona file', async () => {
    await write('robo.md', '\n# Robo\nYou are Robo.\n');
    const file = await write(
      'robo.json',
      JSON.stringify({
        nick: 'robo',
        tokenEnv: 'ROBO_TOKEN',
        systemPromptFile: 'robo.md',
        spaces: ['main', 'lab'],
        llm: { model: 'm' },
        openingMessage: { content: 'Hello @bob' },
      }),
    );
    const persona = await loadPersona(file);
    expect(persona.systemPrompt).toBe('# Robo\nYou are Robo.');
    expect(persona.openingMessage).toEqual({ space: 'main', content: 'Hello @bob' });
  });

  it('names a field of the wrong type with its dotted path', async () => {
    const error = await loadError(await write('bad.yaml', `${MINIMAL}replyPolicy:\n  maxAgentChain: zero\n`));
    expect(error.message).toContain('bad.yaml');
    expect(error.message).toContain('replyPolicy.maxAgentChain:');
  });

  it('names an out-of-range value', async () => {
    const error = await loadError(
      await write('bad.yaml', MINIMAL.replace('model: llama3.2', 'model: m\n  temperature: 3')),
    );
    expect(error.message).toContain('llm.temperature:');
  });

  it('names an unknown field', async () => {
    const error = await loadError(await write('bad.yaml', `${MINIMAL}limits:\n  repliesPerHour: 3\n`));
    expect(error.message).toContain('limits.repliesPerHour: unknown field.');
  });

  it('names a missing required field', async () => {
    const error = await loadError(await write('bad.yaml', MINIMAL.replace('tokenEnv: TIM_AGENT_TOKEN_ROBO\n', '')));
    expect(error.message).toContain('tokenEnv:');
  });

  it('names a missing section, not the type zod expected of it', async () => {
    const error = await loadError(await write('bad.yaml', MINIMAL.replace(/llm:\n {2}model: llama3\.2\n/, '')));
    expect(error.message).toMatch(/bad\.yaml: llm: missing; this field is required\.$/);
    expect(error.message).not.toContain('received undefined');
  });

  it('says an empty file holds no persona', async () => {
    const error = await loadError(await write('empty.yaml', '# nothing yet\n'));
    expect(error.message).toMatch(/empty\.yaml: the file holds no persona fields/);
  });

  it('rejects an invalid nick, token variable and reply mode', async () => {
    const text = MINIMAL.replace('nick: robo', 'nick: "ro bo"').replace('TIM_AGENT_TOKEN_ROBO', 'lower-case');
    const error = await loadError(await write('bad.yaml', `${text}replyPolicy:\n  humans: sometimes\n`));
    expect(error.message).toContain('nick:');
    expect(error.message).toContain('tokenEnv:');
    expect(error.message).toContain('replyPolicy.humans:');
  });

  it('requires exactly one of systemPrompt and systemPromptFile', async () => {
    const neither = await loadError(await write('neither.yaml', MINIMAL.replace('systemPrompt: You are Robo.\n', '')));
    expect(neither.message).toContain('systemPrompt: Give exactly one');
    const both = await loadError(await write('both.yaml', `${MINIMAL}systemPromptFile: robo.md\n`));
    expect(both.message).toContain('systemPrompt: Give exactly one');
  });

  it('names a missing or empty prompt file', async () => {
    const file = await write(
      'robo.yaml',
      MINIMAL.replace('systemPrompt: You are Robo.', 'systemPromptFile: missing.md'),
    );
    expect((await loadError(file)).message).toContain('systemPromptFile:');
    await write('empty.md', '  \n');
    const empty = await write(
      'empty.yaml',
      MINIMAL.replace('systemPrompt: You are Robo.', 'systemPromptFile: empty.md'),
    );
    expect((await loadError(empty)).message).toContain('is empty');
  });

  it('rejects an opening message for a space the persona does not join', async () => {
    const error = await loadError(await write('bad.yaml', `${MINIMAL}openingMessage:\n  space: lab\n  content: hi\n`));
    expect(error.message).toContain('openingMessage.space:');
  });

  it('reports unparsable YAML and a missing file', async () => {
    expect((await loadError(await write('bad.yaml', 'nick: [unclosed\n'))).message).toContain('not valid YAML');
    expect((await loadError(join(dir, 'nope.yaml'))).message).toContain('does not exist');
  });
});

describe('shipped personas', () => {
  it.each(['jarvis', 'alice'])('%s loads, replies briefly and opens by addressing the other', async (name) => {
    const persona = await loadPersona(resolvePersonaPath(name, { cwd: '/' }));
    expect(persona.nick).toBe(name);
    expect(persona.systemPrompt).toMatch(/brief/i);
    expect(persona.openingMessage?.content).toContain(name === 'jarvis' ? '@alice' : '@jarvis');
    expect(persona.replyPolicy.maxAgentChain).toBe(2);
  });
});

describe('resolvePersonaPath', () => {
  it('maps a bare name to the shipped personas and anything path-like to a file', () => {
    expect(resolvePersonaPath('jarvis', { cwd: '/tmp' })).toBe(join(BUILTIN_PERSONAS_DIR, 'jarvis.yaml'));
    expect(resolvePersonaPath('robo', { cwd: '/tmp', personasDir: '/etc/tim' })).toBe('/etc/tim/robo.yaml');
    expect(resolvePersonaPath('robo.json', { cwd: '/tmp' })).toBe('/tmp/robo.json');
    expect(resolvePersonaPath('./p/robo', { cwd: '/tmp' })).toBe('/tmp/p/robo');
  });
});
