import type { AbilityParameters, JsonValue } from '@tim/protocol';
import type { OfferedAbility } from './abilities-in-space';
import { describeError } from './error-words';

/** What the composer's text asks for when sent. */
export type ComposerIntent =
  | { kind: 'message'; content: string }
  | { kind: 'call'; offered: OfferedAbility; arguments: Record<string, JsonValue> }
  /** A command for a known ability whose arguments could not be read; `reason` says why, in words. */
  | { kind: 'invalid'; reason: string };

/** One parameter of an ability, as the hint shows it. */
export interface ParameterHint {
  name: string;
  type: string;
  required: boolean;
  description: string | undefined;
}

/** The `/nick.ability` the text starts with, when it names an offered ability. */
export function commandOf(text: string, offered: readonly OfferedAbility[]): OfferedAbility | undefined {
  const match = /^\/([^\s/]+)(?:\s|$)/.exec(text);
  if (match === null) return undefined;
  const name = (match[1] as string).toLowerCase();
  return offered.find((each) => each.command.toLowerCase() === name);
}

/**
 * The abilities to offer while the reader types the command's name (`/`, `/ja`, `/jarvis.se`):
 * none once a space follows it, or for `//`.
 */
export function suggestions(text: string, offered: readonly OfferedAbility[]): OfferedAbility[] {
  const match = /^\/([^\s/]*)$/.exec(text);
  if (match === null) return [];
  const typed = (match[1] as string).toLowerCase();
  return offered.filter((each) => each.command.toLowerCase().startsWith(typed));
}

/** The parameters of a schema, required first, in the schema's order. */
export function parameterHints(parameters: AbilityParameters): ParameterHint[] {
  const properties = isRecord(parameters.properties) ? parameters.properties : {};
  const required = new Set(Array.isArray(parameters.required) ? parameters.required.map(String) : []);
  const hints = Object.entries(properties).map(([name, schema]): ParameterHint => {
    const property = isRecord(schema) ? schema : {};
    return {
      name,
      type: typeOf(property) ?? 'any',
      required: required.has(name),
      description: typeof property.description === 'string' ? property.description : undefined,
    };
  });
  return [...hints.filter((hint) => hint.required), ...hints.filter((hint) => !hint.required)];
}

/** "query: string, limit?: integer", as typed after the command. */
export function hintLine(parameters: AbilityParameters): string {
  const hints = parameterHints(parameters);
  if (hints.length === 0) return 'no arguments';
  return hints.map((hint) => `${hint.name}${hint.required ? '' : '?'}: ${hint.type}`).join(', ');
}

/**
 * The one string parameter the rest of the line fills (`/jarvis.search release notes`): the only
 * required parameter when it is a string, else the only parameter when it is a string.
 */
export function lineParameter(parameters: AbilityParameters): string | undefined {
  const hints = parameterHints(parameters);
  const required = hints.filter((hint) => hint.required);
  const candidates = required.length > 0 ? required : hints;
  const [only] = candidates;
  return candidates.length === 1 && only !== undefined && only.type === 'string' ? only.name : undefined;
}

/**
 * Reads what the composer's text asks for. `//text` sends `/text` as a message, and so does a
 * `/` not followed by an offered `nick.ability`. After a command: a JSON object, the rest of the
 * line as the one string parameter (see `lineParameter`), or `key=value` pairs with values
 * quoted or not, numbers and booleans read as the schema says.
 */
export function readComposerText(text: string, offered: readonly OfferedAbility[]): ComposerIntent {
  if (text.startsWith('//')) return { kind: 'message', content: text.slice(1) };
  const command = commandOf(text, offered);
  if (command === undefined) return { kind: 'message', content: text };
  const rest = text.slice(1 + command.command.length).trim();
  const { parameters } = command.ability;
  if (rest.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rest);
    } catch {
      return { kind: 'invalid', reason: 'The arguments look like JSON but are not valid JSON.' };
    }
    if (!isRecord(parsed)) return { kind: 'invalid', reason: 'The arguments must be a JSON object.' };
    return { kind: 'call', offered: command, arguments: parsed as Record<string, JsonValue> };
  }
  if (rest === '') return { kind: 'call', offered: command, arguments: {} };
  const line = lineParameter(parameters);
  if (line !== undefined) return { kind: 'call', offered: command, arguments: { [line]: rest } };
  const pairs = readPairs(rest);
  if (typeof pairs === 'string') return { kind: 'invalid', reason: pairs };
  const types = new Map(parameterHints(parameters).map((hint) => [hint.name, hint.type]));
  const args: Record<string, JsonValue> = {};
  for (const [key, raw, quoted] of pairs) {
    const value = quoted ? raw : valueOf(raw, types.get(key));
    if (value === undefined) {
      return { kind: 'invalid', reason: `${key} must be ${article(types.get(key) ?? 'value')}, not "${raw}".` };
    }
    args[key] = value;
  }
  return { kind: 'call', offered: command, arguments: args };
}

/** `key=value key="quoted value"` into [key, value, quoted] triples, or why not. */
function readPairs(text: string): Array<[string, string, boolean]> | string {
  const pairs: Array<[string, string, boolean]> = [];
  const pattern = /\s*([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S*))/y;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) {
      const found = text.slice(index).trim().split(/\s+/)[0] ?? '';
      return `Write the arguments as key=value (quote values with spaces), or as a JSON object; "${found}" is neither.`;
    }
    const quoted = match[2] ?? match[3];
    pairs.push([
      match[1] as string,
      quoted === undefined ? (match[4] ?? '') : quoted.replace(/\\(.)/g, '$1'),
      quoted !== undefined,
    ]);
    index = pattern.lastIndex;
    if (text.slice(index).trim() === '') break;
  }
  return pairs;
}

/** An unquoted value read as `type` says; undefined when it is not one. */
function valueOf(raw: string, type: string | undefined): JsonValue | undefined {
  switch (type) {
    case 'number':
    case 'integer': {
      const number = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) return undefined;
      return number;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'object':
    case 'array':
    case 'null':
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        return undefined;
      }
    default:
      return raw;
  }
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type))
    return (
      type
        .filter((each) => each !== 'null')
        .map(String)
        .join(' | ') || undefined
    );
  if (Array.isArray(schema.enum)) return schema.enum.map((each) => JSON.stringify(each)).join(' | ');
  return undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why the server refused a call, in words. */
export function refusalOfCall(offered: OfferedAbility, error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'payload_too_large') return `The arguments for /${offered.command} are too large. Shorten them.`;
  if (code === 'rate_limited') {
    const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return typeof seconds === 'number'
      ? `Too many calls. Try /${offered.command} again in ${seconds} s.`
      : `Too many calls. Wait a moment and try /${offered.command} again.`;
  }
  return `/${offered.command} was not called. ${describeError(error)}`;
}
