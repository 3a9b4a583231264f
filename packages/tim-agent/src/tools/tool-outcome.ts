import { ABILITY_RESULT_MAX_BYTES, type AbilityOutcomeRequest, type JsonValue } from '@tim/protocol';

/** What an MCP `tools/call` answers, as far as an outcome needs it. */
export interface McpCallResult {
  content?: readonly { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Room kept for the JSON quoting of a text result and the truncation mark. */
const ENVELOPE_BYTES = 256;
const TRUNCATED = ' …[truncated]';
const ERROR_MAX_CHARS = 4000;

/**
 * The outcome of a call answered by an MCP tool: a tool error becomes `{ error }`; otherwise
 * the structured content when the tool gave some (and it fits), else its text content joined.
 * Text longer than the protocol allows is cut, and says so.
 */
export function toOutcome(result: McpCallResult): AbilityOutcomeRequest {
  const text = (result.content ?? [])
    .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
    .join('\n')
    .trim();
  if (result.isError === true) return { error: cut(text || 'The tool failed without saying why.', ERROR_MAX_CHARS) };
  const structured = result.structuredContent;
  if (structured !== undefined && byteLength(JSON.stringify(structured)) <= ABILITY_RESULT_MAX_BYTES - ENVELOPE_BYTES) {
    return { result: structured as JsonValue };
  }
  return { result: cutToBytes(text, ABILITY_RESULT_MAX_BYTES - ENVELOPE_BYTES) };
}

/** A failure to run the tool at all (server down, timeout), as the call's error outcome. */
export function failureOutcome(message: string): AbilityOutcomeRequest {
  return { error: cut(message, ERROR_MAX_CHARS) };
}

function cut(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - TRUNCATED.length)}${TRUNCATED}`;
}

/** Cuts `text` so that, JSON-quoted, it takes at most `maxBytes` bytes; never splits a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (byteLength(JSON.stringify(text)) <= maxBytes) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (byteLength(JSON.stringify(`${text.slice(0, mid)}${TRUNCATED}`)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  // A lone high surrogate at the cut would be an invalid character.
  const end = /[\uD800-\uDBFF]$/.test(text.slice(0, low)) ? low - 1 : low;
  return `${text.slice(0, end)}${TRUNCATED}`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
