import { TimClientError } from '@tim/protocol';
import { LlmError } from '../llm/llm-provider';
import { classifyTurnFailure } from './turn-failure';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('classifyTurnFailure', () => {
  it('logs a stopping agent at debug, whatever failed', () => {
    expect(classifyTurnFailure(new LlmError('aborted', 'aborted'), { isStopping: true, nowMs: NOW })).toEqual({
      level: 'debug',
      message: 'turn abandoned: stopping',
      fields: {},
    });
  });

  it('names the LLM failure kind and status', () => {
    const failure = classifyTurnFailure(new LlmError('server_error', 'HTTP 503', { status: 503 }), {
      isStopping: false,
      nowMs: NOW,
    });
    expect(failure).toMatchObject({ level: 'warn', fields: { kind: 'server_error', status: 503 } });
    expect(failure.serverBackoff).toBeUndefined();
  });

  it("backs off for the server's Retry-After, or the default of its code", () => {
    const refused = new TimClientError('agent_turn_limit', 'wait for a human', { status: 429, retryAfterSeconds: 5 });
    expect(classifyTurnFailure(refused, { isStopping: false, nowMs: NOW }).serverBackoff).toEqual({
      untilMs: NOW + 5000,
      code: 'agent_turn_limit',
    });
    const limited = new TimClientError('rate_limited', 'slow down', { status: 429 });
    expect(classifyTurnFailure(limited, { isStopping: false, nowMs: NOW }).serverBackoff).toEqual({
      untilMs: NOW + 10_000,
      code: 'rate_limited',
    });
  });

  it('logs any other failure without a backoff', () => {
    const failure = classifyTurnFailure(new TimClientError('forbidden', 'no'), { isStopping: false, nowMs: NOW });
    expect(failure).toMatchObject({ level: 'warn', message: 'turn skipped', fields: { code: 'forbidden' } });
    expect(failure.serverBackoff).toBeUndefined();
  });
});
