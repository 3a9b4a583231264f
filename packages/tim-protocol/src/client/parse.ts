import type { z } from 'zod';
import { TimClientError } from './tim-client-error';

/**
 * Checks what the application asks to send with the schema the server uses, so a bad call
 * throws 'invalid_request' here instead of costing a round trip.
 */
export function parseOutgoing<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new TimClientError('invalid_request', parsed.error.issues[0]?.message ?? 'Invalid request.', {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/** The JSON value of `text`, or undefined when it is not JSON (the schema check then fails). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not a failure to report here: the caller's schema check rejects undefined.
    return undefined;
  }
}
