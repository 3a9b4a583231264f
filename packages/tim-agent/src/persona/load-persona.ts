import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PERSONA_DIR_PLACEHOLDER, PersonaFile, type McpServerConfig, type Persona } from './persona-schema';

/** A persona that cannot be read or is invalid; the message names the file and the bad field. */
export class PersonaError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Persona ${file}: ${message}`, options);
    this.name = 'PersonaError';
  }
}

/** The personas shipped with the package (`personas/` next to `src/` and `dist/`). */
export const BUILTIN_PERSONAS_DIR = resolve(__dirname, '..', '..', 'personas');

const PERSONA_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Turns a `tim-agent run` argument into a persona file path: anything that looks like a path
 * (a separator or a persona extension) is taken relative to `cwd`; a bare name such as
 * `jarvis` means `<personasDir>/jarvis.yaml`.
 */
export function resolvePersonaPath(nameOrPath: string, options: { cwd: string; personasDir?: string }): string {
  const looksLikePath =
    nameOrPath.includes('/') || nameOrPath.includes('\\') || PERSONA_EXTENSIONS.includes(extname(nameOrPath));
  if (looksLikePath) return resolve(options.cwd, nameOrPath);
  return join(options.personasDir ?? BUILTIN_PERSONAS_DIR, `${nameOrPath}.yaml`);
}

/** Reads, parses (YAML or JSON by extension) and validates a persona, resolving its prompt file. */
export async function loadPersona(file: string): Promise<Persona> {
  const sourcePath = resolve(file);
  const text = await readText(sourcePath, sourcePath);
  const raw = parsePersonaText(sourcePath, text);
  if (raw === null || raw === undefined) {
    throw new PersonaError(sourcePath, 'the file holds no persona fields (nick, tokenEnv, llm, …).');
  }
  // A missing key otherwise reads "expected object, received undefined", which names a type, not the fix.
  const parsed = PersonaFile.safeParse(raw, {
    error: (issue) => (issue.input === undefined ? 'missing; this field is required.' : undefined),
  });
  if (!parsed.success) throw new PersonaError(sourcePath, describeIssues(parsed.error.issues));

  const { systemPrompt, systemPromptFile, openingMessage, mcpServers, ...settings } = parsed.data;
  const prompt = systemPrompt ?? (await readPromptFile(sourcePath, systemPromptFile ?? ''));
  const firstSpace = settings.spaces[0] ?? 'main';
  return {
    ...settings,
    mcpServers: mcpServers.map((server) => withPersonaDir(server, dirname(sourcePath))),
    systemPrompt: prompt,
    ...(openingMessage && {
      openingMessage: { space: openingMessage.space ?? firstSpace, content: openingMessage.content },
    }),
    sourcePath,
  };
}

/** Puts the persona file's directory in for `${personaDir}`, so a shipped persona finds what ships beside it. */
function withPersonaDir(server: McpServerConfig, personaDir: string): McpServerConfig {
  const fill = (text: string): string => text.split(PERSONA_DIR_PLACEHOLDER).join(personaDir);
  return {
    ...server,
    command: fill(server.command),
    args: server.args.map(fill),
    env: Object.fromEntries(Object.entries(server.env).map(([key, value]) => [key, fill(value)])),
    ...(server.cwd !== undefined && { cwd: fill(server.cwd) }),
  };
}

function parsePersonaText(file: string, text: string): unknown {
  try {
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new PersonaError(file, `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'} (${reason}).`, {
      cause: err,
    });
  }
}

async function readPromptFile(personaFile: string, promptFile: string): Promise<string> {
  const path = isAbsolute(promptFile) ? promptFile : resolve(dirname(personaFile), promptFile);
  const text = (await readText(personaFile, path, 'systemPromptFile')).trim();
  if (text === '') throw new PersonaError(personaFile, `systemPromptFile: ${path} is empty.`);
  return text;
}

async function readText(personaFile: string, path: string, field?: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw new PersonaError(personaFile, `${field ? `${field}: ` : ''}${path} ${what}.`, { cause: err });
  }
}

/** One line per issue, each starting with the dotted path of the field, e.g. `llm.temperature: …`. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const fields = issue.keys.map((key) => (path ? `${path}.${key}` : key)).join(', ');
        return `${fields}: unknown field.`;
      }
      return `${path || '(file)'}: ${issue.message}`;
    })
    .join(' ');
}
