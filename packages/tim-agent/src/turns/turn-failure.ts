import { TimClientError } from '@tim/protocol';
import { describeError } from '../describe-error';
import { LlmError } from '../llm/llm-provider';
import type { ServerBackoffCode } from '../reply-policy/reply-policy';

/** Waits used when a 429 carries no Retry-After, in seconds. */
const DEFAULT_RETRY_AFTER_SECONDS: Record<ServerBackoffCode, number> = { agent_turn_limit: 60, rate_limited: 10 };

/** What to do about a turn that posted nothing: one log line, and a backoff when the server asked for one. */
export interface TurnFailure {
  level: 'debug' | 'warn';
  message: string;
  fields: Record<string, unknown>;
  serverBackoff?: { untilMs: number; code: ServerBackoffCode };
}

/** Classifies why a turn failed. `isStopping`: the agent was told to stop, so the failure is expected. */
export function classifyTurnFailure(err: unknown, options: { isStopping: boolean; nowMs: number }): TurnFailure {
  if (options.isStopping) return { level: 'debug', message: 'turn abandoned: stopping', fields: {} };
  if (err instanceof LlmError) {
    return {
      level: 'warn',
      message: 'turn skipped: the LLM gave no reply',
      fields: { kind: err.kind, status: err.status, error: err.message },
    };
  }
  if (err instanceof TimClientError && isServerBackoffCode(err.code)) {
    const seconds = err.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS[err.code];
    return {
      level: 'warn',
      message: 'turn skipped: the server refused the reply; backing off',
      fields: { code: err.code, seconds },
      serverBackoff: { untilMs: options.nowMs + seconds * 1000, code: err.code },
    };
  }
  return { level: 'warn', message: 'turn skipped', fields: describeError(err) };
}

function isServerBackoffCode(code: string): code is ServerBackoffCode {
  return Object.hasOwn(DEFAULT_RETRY_AFTER_SECONDS, code);
}
